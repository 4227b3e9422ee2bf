"""Rebuilding the index while the API serves: versions, the pointer, and the swap at the next request."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from corpus import CorpusStore, bundled_corpus_dir, ingest
from indexes import SentenceTable, index_text, read_manifest
from indexes.embedding_cache import CACHE_DIR
from indexes.token_cache import CACHE_DIR as TOKEN_CACHE_DIR
from indexes.versions import POINTER, current_version, publish, versions
from tests.conftest_helpers import free_port, wait_until_ok

NEW_DOCUMENT = Path(__file__).parent / "data" / "hebi-credit-checkup-2024.txt"
ONLY_IN_NEW = "企业信用体检多久开展一次？"  # answered by the new document alone
QUESTIONS = [
    "开展诚信教育可以收费吗？",
    "信用修复有哪些方式？",
    "濮阳市对失信主体采取哪些惩戒措施？",
    ONLY_IN_NEW,
]


def own_data_dir(tmp_path: Path, session: Settings) -> tuple[Settings, Path]:
    """A data dir over a copy of the bundled documents; the session's embedding and token caches (filled by
    the `policy_corpus` fixture) spare re-embedding and re-tokenizing them."""
    docs = tmp_path / "docs"
    shutil.copytree(bundled_corpus_dir(), docs)
    data = tmp_path / "data"
    for cache in (CACHE_DIR, TOKEN_CACHE_DIR):
        shutil.copytree(session.data_dir / cache, data / cache)
    settings = Settings(data_dir=data, today=session.today, api={"api_keys": ["swap-key"]})  # type: ignore[arg-type]
    ingest([docs], CorpusStore(settings.corpus_dir), progress=False)
    return settings, docs


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CREDIT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [str(Path(sys.executable).parent / "credit-assistant"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_publish_switches_the_pointer_and_keeps_recent_versions(tmp_path: Path) -> None:
    root = tmp_path / "index"
    made = []
    for _ in range(5):
        version = f"v{len(made):02d}"
        (root / version).mkdir(parents=True)
        (root / version / "manifest.json").write_text("{}", "utf-8")
        publish(root, version, keep=3)
        made.append(version)
        assert current_version(root) == version
    assert versions(root) == made[-3:]
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []  # no temp pointer left
    (root / "v99").mkdir()
    with pytest.raises(FileNotFoundError):
        publish(root, "v99")  # no manifest: never published
    assert (root / POINTER).read_text("utf-8").strip() == "v04"


def ask_until(stop: threading.Event, url: str, question: str, outcomes: Counter[str]) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        while not stop.is_set():
            try:
                response = client.post("/v1/ask", json={"question": question})
                outcomes[str(response.status_code)] += 1
            except httpx.HTTPError as error:
                outcomes[type(error).__name__] += 1


def watch_versions(stop: threading.Event, url: str, seen: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=120) as client:
        while not stop.wait(0.2):
            version = client.get("/readyz").json().get("index_version")
            if not seen or seen[-1] != version:
                seen.append(version)


def test_rebuild_while_questions_stream_in(
    tmp_path: Path, settings: Settings, policy_corpus, records
) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from assistant.api.app import create_app
    from assistant.runtime import load_policy_corpus
    from assistant.service import Assistant

    own, docs = own_data_dir(tmp_path, settings)
    assistant = Assistant(own, load_policy_corpus(own, progress=False), records)
    first = assistant.corpus.version
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(own, assistant), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    wait_until_ok(url + "/readyz")

    stop, outcomes, seen = threading.Event(), Counter[str](), list[str]()
    workers = [threading.Thread(target=ask_until, args=(stop, url, q, outcomes)) for q in QUESTIONS]
    workers.append(threading.Thread(target=watch_versions, args=(stop, url, seen)))
    try:
        for worker in workers:
            worker.start()
        shutil.copy(NEW_DOCUMENT, docs)
        done = cli("ingest", str(docs), data_dir=own.data_dir)  # another process builds and publishes
        assert done.returncode == 0, done.stdout + done.stderr
        second = current_version(own.index_dir)
        assert second is not None and second != first
        # The first request after the publish loads the new version; the others are served meanwhile.
        deadline = time.monotonic() + 600
        while seen[-1] != second and time.monotonic() < deadline:
            stop.wait(0.2)
        served = sum(outcomes.values())
        while sum(outcomes.values()) < served + 2 * len(QUESTIONS) and time.monotonic() < deadline:
            stop.wait(0.2)  # keep asking a while on the new index
        stop.set()
        for worker in workers:
            worker.join(timeout=300)
        assert set(outcomes) == {"200"}, outcomes  # not one failed request
        assert seen[0] == first and seen[-1] == second
        # Only the new document's passages and sentences were embedded; the rest came from the cache.
        new_texts = read_manifest(own.index_dir)["embedded"]
        assert 0 < new_texts <= 20
        answer = httpx.post(url + "/v1/ask", json={"question": ONLY_IN_NEW}, timeout=120).json()
        assert not answer["refused"]
        assert {c["doc_id"] for c in answer["citations"]} == {NEW_DOCUMENT.stem}
    finally:
        stop.set()
        server.should_exit = True


def test_adding_changing_removing_one_document_embeds_and_tokenizes_only_its_own_texts(
    tmp_path: Path, settings: Settings, policy_corpus
) -> None:  # type: ignore[no-untyped-def]
    from assistant.runtime import open_version, publish_index
    from tests.test_sentence_index import CountingEncoder
    from tests.test_token_cache import CountingTokenizer

    own, docs = own_data_dir(tmp_path, settings)
    encoder = CountingEncoder(policy_corpus.retriever.encoder)
    tokenizer = CountingTokenizer()
    store = CorpusStore(own.corpus_dir)
    first = publish_index(own, store, encoder, tokenizer, progress=False)
    assert first["embedded"] == 0 and first["tokenized"] == 0
    assert encoder.passage_texts == [] and tokenizer.texts == []  # the five documents come from the caches

    def passage_texts_of(doc_id: str) -> set[str]:
        documents = {d.doc_id: d for d in store.documents()}
        return {index_text(p, documents[doc_id]) for p in store.passages() if p.doc_id == doc_id}

    def texts_of(doc_id: str) -> set[str]:
        passages = [p for p in store.passages() if p.doc_id == doc_id]
        return passage_texts_of(doc_id) | set(SentenceTable.from_passages(passages).texts)

    new = docs / NEW_DOCUMENT.name
    shutil.copy(NEW_DOCUMENT, new)
    assert ingest([docs], store, progress=False).parsed == 1  # the others are taken over, not parsed
    added = publish_index(own, store, encoder, tokenizer, progress=False)
    assert set(encoder.passage_texts) == texts_of(NEW_DOCUMENT.stem)  # the real encoder, its texts only
    assert added["embedded"] == len(encoder.passage_texts)
    assert set(tokenizer.texts) == passage_texts_of(NEW_DOCUMENT.stem)  # jieba: its passages only
    assert added["tokenized"] == len(tokenizer.texts)

    encoder.passage_texts.clear()
    tokenizer.texts.clear()
    new.write_text(new.read_text("utf-8").replace("10个工作日内送达", "7个工作日内送达"), "utf-8")
    assert ingest([docs], store, progress=False).parsed == 1
    publish_index(own, store, encoder, tokenizer, progress=False)
    changed = {t for t in texts_of(NEW_DOCUMENT.stem) if "7个工作日内送达" in t}
    assert changed and set(encoder.passage_texts) == changed  # just the edited clause
    assert tokenizer.texts and set(tokenizer.texts) == changed & passage_texts_of(NEW_DOCUMENT.stem)

    encoder.passage_texts.clear()
    tokenizer.texts.clear()
    new.unlink()
    assert ingest([docs], store, progress=False).parsed == 0
    removed = publish_index(own, store, encoder, tokenizer, progress=False)
    assert removed["embedded"] == 0 and encoder.passage_texts == []
    assert removed["tokenized"] == 0 and tokenizer.texts == []
    corpus = open_version(own, removed["version"], encoder, tokenizer)
    assert NEW_DOCUMENT.stem not in corpus.documents and len(corpus.passages) == len(policy_corpus.passages)
    hits = corpus.retriever.search("企业信用体检", 5)
    assert all(h.passage.doc_id != NEW_DOCUMENT.stem for h in hits)
