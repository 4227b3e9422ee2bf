"""The measures catalogue (read from the documents) and the repair rules (a data file), resolving quotes to passages."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.citations import find_passage
from assistant.measures_extract import Measure, extract_measures
from corpus import Passage

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class PublicationRule:
    id: str
    source: str
    effective_from: dt.date
    effective_to: dt.date | None
    confidence: str
    periods: dict[str, tuple[int, int]]  # severity class → (min_months, max_months)
    serious_extra_materials: tuple[str, ...]
    not_published: tuple[str, ...]
    notes: str

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@cache
def read_json(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text("utf-8"))


def load_measures(passages: list[Passage]) -> list[Measure]:
    """The measures catalogue, read from the documents' own passages (`assistant.measures_extract`)."""
    return extract_measures(passages)


def publication_rules() -> list[PublicationRule]:
    rules = []
    for item in read_json("repair_rules.json")["publication_periods"]:
        rules.append(
            PublicationRule(
                id=item["id"],
                source=item["source"],
                effective_from=dt.date.fromisoformat(item["effective_from"]),
                effective_to=dt.date.fromisoformat(item["effective_to"]) if item["effective_to"] else None,
                confidence=item["confidence"],
                periods={k: (item[k]["min_months"], item[k]["max_months"]) for k in ("general", "serious")},
                serious_extra_materials=tuple(item["serious_extra_materials"]),
                not_published=tuple(item["not_published"]),
                notes=item["notes"],
            )
        )
    return rules


def rule_in_force(day: dt.date) -> PublicationRule:
    rules = publication_rules()
    for rule in rules:
        if rule.in_force(day):
            return rule
    return rules[0] if day < rules[0].effective_from else rules[-1]


def repair_data() -> dict:
    return read_json("repair_rules.json")


def anchor_passages(passages: list[Passage]) -> dict[str, dict[str, tuple[Passage, str]]]:
    """doc_id → role (methods/after/objection/rectify) → (passage, quote)."""
    anchors: dict[str, dict[str, tuple[Passage, str]]] = {}
    for doc_id, roles in repair_data()["anchors"].items():
        if doc_id.startswith("_"):
            continue
        for role, quote in roles.items():
            passage = find_passage(passages, doc_id, quote)
            if passage is None:
                raise ValueError(f"repair anchor not found in {doc_id}: {quote[:30]}")
            anchors.setdefault(doc_id, {})[role] = (passage, quote)
    return anchors
