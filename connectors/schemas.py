"""Import row schemas (pydantic): one per record type, messages in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from connectors.models import (
    COMMITMENT_KINDS,
    COMMITMENT_STATUSES,
    GRADES,
    LIST_TYPES,
    REPAIR_STATUSES,
    SEVERITIES,
    SUBJECT_KINDS,
)
from connectors.uscc import USCCError, validate_uscc


def _none_to_blank(value: object) -> object:
    """A cell of a short CSV row or a JSON null in a text column is an explicit empty value."""
    return "" if value is None else value


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _parse_date(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"日期格式应为 YYYY-MM-DD：{value}") from exc
    return value


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Text = Annotated[str, BeforeValidator(_none_to_blank)]
Date = Annotated[dt.date, BeforeValidator(_parse_date)]
# Before-validators run last-declared first: a blank cell becomes None before any date parsing.
OptionalDate = Annotated[dt.date | None, BeforeValidator(_parse_date), BeforeValidator(_blank_to_none)]


def one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what}应为：{'、'.join(allowed)}；实际为“{value}”")
    return value


class SubjectRef(BaseModel):
    """Rows name their subject by 统一社会信用代码 or, for natural persons, by ID number."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")

    uscc: OptionalText = None
    person_id: OptionalText = None

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return validate_uscc(value).code
        except USCCError as exc:
            raise ValueError(str(exc)) from exc

    @model_validator(mode="after")
    def _has_reference(self) -> SubjectRef:
        if not self.uscc and not self.person_id:
            raise ValueError("需填写统一社会信用代码（uscc）或自然人身份证号（person_id）")
        return self


class SubjectRow(SubjectRef):
    name: str = Field(min_length=1, max_length=200)
    kind: str
    locality: Text = ""
    industry: Text = ""
    legal_representative: Text = ""

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return one_of(value, SUBJECT_KINDS, "主体类型")


class PenaltyRow(SubjectRef):
    decision_number: str = Field(min_length=1)
    authority: str = Field(min_length=1)
    decision_date: Date
    facts: Text = ""
    basis: Text = ""
    penalty_type: str = Field(min_length=1)
    fine_amount: Annotated[Decimal | None, BeforeValidator(_blank_to_none)] = None
    severity: str
    procedure: str = "普通程序"
    fulfilled_on: OptionalDate = None

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        return one_of(value, SEVERITIES, "失信程度")


class ListEntryRow(SubjectRef):
    list_type: str
    authority: str = Field(min_length=1)
    date_in: Date
    reason: Text = ""
    date_out: OptionalDate = None

    @field_validator("list_type")
    @classmethod
    def _list_type(cls, value: str) -> str:
        return one_of(value, LIST_TYPES, "名单类型")


class EvaluationRow(SubjectRef):
    evaluator: str = Field(min_length=1)
    grade: str
    supervision_level: Text = ""
    evaluated_on: Date

    @field_validator("grade")
    @classmethod
    def _grade(cls, value: str) -> str:
        return one_of(value, GRADES, "评价等级")


class CommitmentRow(SubjectRef):
    kind: str
    matter: Text = ""
    committed_on: Date
    status: str

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return one_of(value, COMMITMENT_KINDS, "承诺类型")

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return one_of(value, COMMITMENT_STATUSES, "履约状态")


class RepairRow(SubjectRef):
    target: str = Field(min_length=1)
    status: str
    applied_on: Date
    decided_on: OptionalDate = None

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return one_of(value, REPAIR_STATUSES, "修复状态")


ROW_SCHEMAS: dict[str, type[SubjectRef]] = {
    "subjects": SubjectRow,
    "penalties": PenaltyRow,
    "list_entries": ListEntryRow,
    "evaluations": EvaluationRow,
    "commitments": CommitmentRow,
    "repairs": RepairRow,
}
