"""Write generated sample data into the database (bulk inserts in one transaction)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, delete, insert, select

from connectors.models import Commitment, Evaluation, ListEntry, Penalty, RepairApplication, Subject
from connectors.sample import SampleData

CHILD_TABLES = (
    ("penalties", Penalty),
    ("list_entries", ListEntry),
    ("evaluations", Evaluation),
    ("commitments", Commitment),
    ("repairs", RepairApplication),
)


def _subject_rows(rows: Iterable[dict]) -> list[dict]:
    return [
        {
            "subject_key": r["uscc"] or r["person_key"],
            "uscc": r["uscc"],
            "person_id_masked": r["person_id_masked"],
            "name": r["name"],
            "kind": r["kind"],
            "locality": r["locality"],
            "industry": r["industry"],
            "legal_representative": r["legal_representative"],
        }
        for r in rows
    ]


def clear_records(engine: Engine) -> None:
    with engine.begin() as connection:
        for _, model in CHILD_TABLES:
            connection.execute(delete(model))
        connection.execute(delete(Subject))


def load_sample(engine: Engine, data: SampleData) -> dict[str, int]:
    """Insert all sample rows; returns counts per table."""
    with engine.begin() as connection:
        connection.execute(insert(Subject), _subject_rows(data.subjects))
        ids = dict(connection.execute(select(Subject.subject_key, Subject.id)).all())
        counts = {"subjects": len(data.subjects)}
        for name, model in CHILD_TABLES:
            rows = [
                {**{k: v for k, v in r.items() if k != "subject_key"}, "subject_id": ids[r["subject_key"]]}
                for r in getattr(data, name)
            ]
            if rows:
                connection.execute(insert(model), rows)
            counts[name] = len(rows)
    return counts


def load_subject_batches(engine: Engine, batches: Iterable[list[dict]]) -> int:
    total = 0
    for batch in batches:
        with engine.begin() as connection:
            connection.execute(insert(Subject), _subject_rows(batch))
        total += len(batch)
    return total
