"""Run schemathesis' engine — every phase, every check, as `st run --checks all` does — against an ASGI app
in-process, and collect what it found."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

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
                    # A generated file is schema-valid bytes but rarely a valid record file: the rows are
                    # checked by the importer (422 with a row-by-row report), which no schema can express.
                    "include-path": "/v1/records/import",
                    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "422"]}},
                },
                {
                    # Likewise an uploaded question set: its rows are validated (422 with a row-by-row report).
                    "include-path": "/v1/evals",
                    "include-method": "POST",
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "422"]}
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
