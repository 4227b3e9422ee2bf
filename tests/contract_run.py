"""Run schemathesis' engine — every phase, every check, as `st run --checks all` does — against an ASGI app
in-process, and collect what it found."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from connectors.uscc import make_uscc

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class ContractFailure:
    operation: str
    check: str
    title: str
    message: str
    curl: str

    def __str__(self) -> str:
        return f"{self.operation} | {self.check} | {self.title}\n  {self.message}\n  {self.curl}"


@dataclass
class ContractReport:
    failures: list[ContractFailure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checks_passed: Counter[str] = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)


def valid_uscc() -> SearchStrategy[str]:
    """Codes with a correct check character: what the OpenAPI format "uscc" promises."""
    return st.builds(
        make_uscc,
        st.sampled_from("123456789ABCDEFGY"),
        st.sampled_from("123459"),
        st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
        st.text(alphabet=USCC_CHARS, min_size=8, max_size=8),
    )


def contract_config(api_key: str, max_examples: int, seed: int) -> SchemathesisConfig:
    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "generation": {"max-examples": max_examples},
            "auth": {"openapi": {"ApiKeyAuth": {"api_key": api_key}}},
            "operations": [
                {
                    # Feedback on a turn of a conversation that is not the caller's (or has no such turn) is 404.
                    # First: filters of one entry are alternatives (an `include-method: POST` below matches every
                    # POST), and the first entry that matches an operation decides.
                    "include-path-regex": "^/v1/conversations/[^/]+/turns/[^/]+/feedback$",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "422"]}},
                },
                {
                    # A generated file is schema-valid bytes but rarely a valid record file: the rows are
                    # checked by the importer (422 with a row-by-row report), which no schema can express.
                    "include-path": "/v1/records/import",
                    # A file over a size limit (bytes, rows, columns, unzipped size) is 413.
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "413", "422"]}
                    },
                },
                {
                    # Likewise an uploaded question set: its rows are validated (422 with a row-by-row report).
                    "include-path": "/v1/evals",
                    "include-method": "POST",
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "413", "422"]}
                    },
                },
                {
                    # A generated document is schema-valid bytes but rarely a document: its type, size and name
                    # are checked at once (413/422), an id already taken is a 409, a new one starts a job (202).
                    "include-path": "/v1/documents",
                    "include-method": "POST",
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "409", "413", "422"]}
                    },
                },
                {
                    "include-path-regex": "^/v1/documents/[^/]+$",
                    "include-method": "PUT",
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "413", "422"]}
                    },
                },
            ],
        }
    )
    config.projects.override.checks.update(included_check_names=["all"])
    return config


def record(report: ContractReport, event: events.ScenarioFinished) -> None:
    for checks in event.recorder.checks.values():
        for node in checks:
            report.operations.add(event.recorder.label)
            if node.status == Status.SUCCESS:
                report.checks_passed[node.name] += 1
            elif node.status == Status.FAILURE and node.failure_info is not None:
                failure = node.failure_info.failure
                report.failures.append(
                    ContractFailure(
                        event.recorder.label,
                        node.name,
                        failure.title,
                        failure.message,
                        node.failure_info.code_sample,
                    )
                )


@dataclass(frozen=True)
class UploadCase:
    """A real file sent to an upload operation, and the status the API must answer."""

    path: str
    filename: str
    content: bytes
    status: int


def check_upload_cases(app: Any, api_key: str, cases: list[UploadCase]) -> list[str]:
    """Send each file as a multipart upload with its own name (generated uploads are named `file`, so they
    never reach the readers) and hold the response to every schemathesis check; returns what failed."""
    from fastapi.testclient import TestClient
    from schemathesis.core.failures import FailureGroup

    schemathesis.openapi.format("uscc", valid_uscc())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=contract_config(api_key, 1, 0))
    headers = {"X-API-Key": api_key}
    problems = []
    with TestClient(app) as client:
        for case in cases:
            files = {"file": (case.filename, case.content)}
            response = client.post(case.path, files=files, headers=headers)
            if response.status_code != case.status:
                problems.append(f"{case.path} {case.filename}: {response.status_code} {response.text[:300]}")
            generated = schema[case.path]["POST"].Case(
                body={"file": case.content}, media_type="multipart/form-data"
            )
            try:
                generated.validate_response(response, headers=headers)
            except FailureGroup as exc:
                problems.append(f"{case.path} {case.filename}: {exc}")
    return problems


def run_contract(app: object, api_key: str, max_examples: int = 25, seed: int = 20261123) -> ContractReport:
    """Load /openapi.json from `app` and run every phase with every check; nothing goes over a network."""
    schemathesis.openapi.format("uscc", valid_uscc())
    config = contract_config(api_key, max_examples, seed)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    report = ContractReport()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            record(report, event)
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")
    return report
