"""Shared fixtures: the real corpus, a real index (built once per run), real databases."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assistant.settings import Settings
from corpus import ParsedDocument, bundled_corpus_dir, parse_document
from tests.conftest_helpers import serve_api, shared_dir

# Tests answer on threads of the serving process (fast to start); the answering processes that `serve` uses by
# default are covered where it matters: tests/test_serving.py's two workers answer through them.
os.environ.setdefault("CREDIT_API__ANSWER_PROCESSES", "0")
POSTGRES_URL = os.environ.get("CREDIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("CREDIT_REQUIRE_POSTGRES") == "1"


@pytest.fixture(scope="session")
def corpus_docs() -> dict[str, ParsedDocument]:
    """The five bundled documents, parsed."""
    return {
        path.stem: parse_document(path.stem, path.read_text("utf-8"))
        for path in sorted(bundled_corpus_dir().glob("*.txt"))
    }


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a temporary data directory: bundled corpus, sample database, real encoder."""
    data_dir = tmp_path_factory.mktemp("data")
    return Settings(data_dir=data_dir, today=date(2026, 11, 23), api={"api_keys": ["test-key"]})  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def policy_corpus(settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.runtime import load_policy_corpus

    return load_policy_corpus(settings, progress=False)


def postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("select 1"))
        return True
    except Exception:
        return False


def reset_postgres() -> None:
    with create_engine(POSTGRES_URL).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every connector test runs on SQLite, and on PostgreSQL when one is reachable."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite3'}"
    if not postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required here but not reachable at {POSTGRES_URL}")
        pytest.skip("PostgreSQL not reachable")
    reset_postgres()
    return POSTGRES_URL


@pytest.fixture(scope="session")
def records(settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.bootstrap import open_records

    return open_records(settings)


@pytest.fixture(scope="session")
def assistant(settings: Settings, policy_corpus, records):  # type: ignore[no-untyped-def]
    from assistant.service import Assistant

    return Assistant(settings, policy_corpus, records)


@pytest.fixture(scope="session")
def regs_assistant(tmp_path_factory: pytest.TempPathFactory, records):  # type: ignore[no-untyped-def]
    """The assistant over the five bundled plans and the six development regulations (../shared/documents),
    loaded the way a user loads them (Markdown, DOCX, a printed PDF, a web page, GB18030 text)."""
    from assistant.runtime import load_policy_corpus
    from assistant.service import Assistant

    shared = shared_dir()
    if shared is None:
        if os.environ.get("CI") == "true":
            pytest.fail("the development regulations (../shared/documents) are required in CI")
        pytest.skip("the development regulations (../shared/documents) are not beside this checkout")
    data_dir = tmp_path_factory.mktemp("regs")
    settings = Settings(
        data_dir=data_dir,
        today=date(2026, 11, 23),
        api={"api_keys": ["test-key"]},  # type: ignore[arg-type]
        corpus={"paths": [bundled_corpus_dir(), shared / "documents"]},  # type: ignore[arg-type]
    )
    return Assistant(settings, load_policy_corpus(settings, progress=False), records)


@pytest.fixture(scope="session")
def live_api(settings, assistant):  # type: ignore[no-untyped-def]
    """The real API served by uvicorn on a loopback port, for the UI tests."""
    with serve_api(settings, assistant) as url:
        yield url
