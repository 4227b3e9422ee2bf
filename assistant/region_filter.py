"""The region filter of a question (pure): a place chosen beside the question, never a word added to it.

It narrows a question that names no place; a place the question names itself always wins, and the answer says
the filter was not applied. Questions about a subject's records are answered for that subject, not a region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.errors import InvalidQuestion
from corpus.places import readings_of

FILTERED_ROUTES = frozenset({"policy_qa", "applicable_measures"})
SUBJECT_ROUTES = frozenset({"subject_status", "repair_steps"})
MAX_CHARS = 50


@dataclass(frozen=True, slots=True)
class RegionChoice:
    """What became of the region filter for one question: the place used (None: none) and why, in Chinese."""

    requested: str
    applied: bool
    note: str

    @property
    def locality(self) -> str | None:
        return self.requested if self.applied else None


def checked_region(requested: str | None) -> str | None:
    """The filter as given (None when blank); a place the national table does not know is a 422."""
    if requested is None or not requested.strip():
        return None
    name = requested.strip()
    if len(name) > MAX_CHARS or not readings_of(name):
        raise InvalidQuestion(
            f"未识别的地区“{name[:MAX_CHARS]}”：请选择省、市或县（区）名称，如 濮阳、翁源。"
        )
    return name


def same_place(first: str, second: str) -> bool:
    """Do two place names mean the same place (濮阳 and 濮阳市)?"""
    return bool(set(readings_of(first)) & set(readings_of(second)))


def choose_region(requested: str | None, route: str, places_named: Sequence[str]) -> RegionChoice | None:
    """Apply the filter only to a policy or measures question that names no other place."""
    if requested is None:
        return None
    if route in SUBJECT_ROUTES:
        return RegionChoice(requested, False, f"主体查询按主体本身回答，未按所选地区“{requested}”筛选。")
    if route not in FILTERED_ROUTES:
        return RegionChoice(requested, False, "")
    others = [place for place in places_named if not same_place(place, requested)]
    if others:
        named = "、".join(dict.fromkeys(others))
        return RegionChoice(requested, False, f"问题中已指明“{named}”，未按所选地区“{requested}”筛选。")
    return RegionChoice(requested, True, f"已按所选地区“{requested}”筛选。")
