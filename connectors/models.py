"""Subject records (SQLAlchemy 2.x typed models). Natural keys make imports idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SUBJECT_KINDS = ("法人", "非法人组织", "个体工商户", "自然人")
SEVERITIES = ("一般", "较重", "严重")
LIST_TYPES = (
    "严重失信主体名单",
    "失信联合惩戒对象名单",
    "重点关注对象名单",
    "失信被执行人",
    "守信联合激励对象",
    "红名单",
)
NEGATIVE_LISTS = ("严重失信主体名单", "失信联合惩戒对象名单", "重点关注对象名单", "失信被执行人")
COMMITMENT_KINDS = ("审批替代型", "证明事项型", "信用修复型", "行业自律型", "主动型")
COMMITMENT_STATUSES = ("履行中", "已履行", "违诺")
REPAIR_STATUSES = ("已提交", "受理中", "已修复", "未通过")
GRADES = ("A", "B", "C", "D")


class Base(DeclarativeBase):
    pass


class Subject(Base):
    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 统一社会信用代码 for organisations; "P:<hash>" for natural persons (the ID number is never stored).
    subject_key: Mapped[str] = mapped_column(String(80), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True, index=True)
    person_id_masked: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    locality: Mapped[str] = mapped_column(String(64), default="")
    industry: Mapped[str] = mapped_column(String(64), default="")
    legal_representative: Mapped[str] = mapped_column(String(64), default="")

    penalties: Mapped[list[Penalty]] = relationship(
        back_populates="subject", order_by="Penalty.decision_date"
    )
    list_entries: Mapped[list[ListEntry]] = relationship(
        back_populates="subject", order_by="ListEntry.date_in"
    )
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="subject", order_by="Evaluation.evaluated_on"
    )
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="subject", order_by="Commitment.committed_on"
    )
    repairs: Mapped[list[RepairApplication]] = relationship(
        back_populates="subject", order_by="RepairApplication.applied_on"
    )


class Penalty(Base):
    """行政处罚."""

    __tablename__ = "penalties"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    decision_number: Mapped[str] = mapped_column(String(80), unique=True)
    authority: Mapped[str] = mapped_column(String(120))
    decision_date: Mapped[dt.date] = mapped_column(Date)
    facts: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    penalty_type: Mapped[str] = mapped_column(String(40))
    fine_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    severity: Mapped[str] = mapped_column(String(8))
    procedure: Mapped[str] = mapped_column(String(8), default="普通程序")
    fulfilled_on: Mapped[dt.date | None] = mapped_column(Date)

    subject: Mapped[Subject] = relationship(back_populates="penalties")


class ListEntry(Base):
    """Membership of a credit list (失信/重点关注/失信被执行人/守信激励)."""

    __tablename__ = "list_entries"
    __table_args__ = (UniqueConstraint("subject_id", "list_type", "date_in", name="uq_list_entry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    list_type: Mapped[str] = mapped_column(String(32))
    authority: Mapped[str] = mapped_column(String(120))
    date_in: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    date_out: Mapped[dt.date | None] = mapped_column(Date)

    subject: Mapped[Subject] = relationship(back_populates="list_entries")


class Evaluation(Base):
    """公共信用综合评价 grade and 分级分类 supervision level."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("subject_id", "evaluator", "evaluated_on", name="uq_evaluation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    evaluator: Mapped[str] = mapped_column(String(120))
    grade: Mapped[str] = mapped_column(String(8))
    supervision_level: Mapped[str] = mapped_column(String(16))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)

    subject: Mapped[Subject] = relationship(back_populates="evaluations")


class Commitment(Base):
    """信用承诺."""

    __tablename__ = "commitments"
    __table_args__ = (UniqueConstraint("subject_id", "kind", "committed_on", name="uq_commitment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    matter: Mapped[str] = mapped_column(String(200), default="")
    committed_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8))

    subject: Mapped[Subject] = relationship(back_populates="commitments")


class RepairApplication(Base):
    """信用修复申请."""

    __tablename__ = "repair_applications"
    __table_args__ = (UniqueConstraint("subject_id", "target", "applied_on", name="uq_repair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(80))  # decision number or list type being repaired
    status: Mapped[str] = mapped_column(String(8))
    applied_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)

    subject: Mapped[Subject] = relationship(back_populates="repairs")


class AuditEntry(Base):
    """One record lookup or import: who (a key id, never the key), what, which subject, when, from where."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    who: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(200), default="")  # the subject as asked (code, name, file)
    subject_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the log outlives records
    client: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(16), default="")  # api / chat / stream / tool / cli / eval


class Conversation(Base):
    """A conversation's memory (subject, locality, pending question) as JSON, shared by all workers; its owner
    (a key hash or session-token hash, never the key) and title (the first question) list it for that caller."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    owner: Mapped[str | None] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ConversationTurn(Base):
    """One question and the answer given (text, route, citations… as the API returned it, JSON)."""

    __tablename__ = "conversation_turns"
    __table_args__ = (UniqueConstraint("conversation_id", "number", name="uq_conversation_turn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the conversation
    question: Mapped[str] = mapped_column(Text)  # as the user wrote it
    locality: Mapped[str | None] = mapped_column(String(64))  # the region filter it was asked with
    answer: Mapped[str] = mapped_column(Text)  # the Answer as JSON
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


Index("ix_penalties_subject_date", Penalty.subject_id, Penalty.decision_date)
