"""Jurisdiction (pure): how a document of one place answers for a question about another place.

A province's regulation applies in its cities and counties, a city's plan in its districts and counties, and a
national rule (a document with no locality) everywhere; answers label what reaches the place from above.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from corpus.models import Locality
from corpus.places import ancestors, full_name

MatchKind = Literal["exact", "above", "within", "national"]


def relation(asked: Locality, held: Locality) -> MatchKind | None:
    """How a document of place `held` answers for place `asked`: its own place ("exact"), a division above
    (a province's regulation for a county in it: "above"), a place inside the one asked ("within"), a national
    document, with no locality, that applies everywhere ("national"); None when it does not apply there."""
    if held == Locality():
        return "national"
    if held == asked:
        return "exact"
    if held in ancestors(asked):
        return "above"
    return "within" if asked in ancestors(held) else None


_STRENGTH: dict[str | None, int] = {"exact": 4, "within": 3, "above": 2, "national": 1, None: 0}


def best_relation(readings: Sequence[Locality], held: Locality) -> MatchKind | None:
    """The closest relation of `held` to any of the readings of a name."""
    found = [relation(r, held) for r in readings]
    return max(found, key=lambda kind: _STRENGTH[kind], default=None)


def scope_note(kind: MatchKind | None, held: Locality, document_kind: str) -> str:
    """What an answer adds to a citation that reaches the place asked from above:
    「（山东省条例，适用于全省）」, 「（全国性规定，适用于各地）」; nothing for a document of the place itself."""
    if kind == "national":
        return "（全国性规定，适用于各地）"
    if kind != "above":
        return ""
    name = full_name(held)
    area = "区" if name.endswith("自治区") else name[-1] if name[-1] in "省市州盟" else "地区"
    return f"（{held.label}{document_kind}，适用于全{area}）"
