"""Connectors layer: subject records in SQLite/PostgreSQL, importers, lookups, sample data."""

from connectors.audit import AuditRecord, AuditTrail
from connectors.conversations import ConversationTable
from connectors.importers import ImportRejected, ImportResult, RowError, import_records
from connectors.records import (
    CommitmentRecord,
    EvaluationRecord,
    ListRecord,
    NameMatch,
    NamePage,
    PenaltyRecord,
    RepairRecord,
    SubjectInfo,
    SubjectProfile,
    SubjectResolution,
)
from connectors.repository import RecordRepository, looks_like_code
from connectors.sample import SampleGenerator
from connectors.store import RecordStore
from connectors.uscc import USCCError, is_valid_uscc, make_uscc, normalise_uscc, validate_uscc

__all__ = [
    "AuditRecord",
    "AuditTrail",
    "CommitmentRecord",
    "ConversationTable",
    "EvaluationRecord",
    "ImportRejected",
    "ImportResult",
    "ListRecord",
    "NameMatch",
    "NamePage",
    "PenaltyRecord",
    "RecordRepository",
    "RecordStore",
    "RepairRecord",
    "RowError",
    "SampleGenerator",
    "SubjectInfo",
    "SubjectProfile",
    "SubjectResolution",
    "USCCError",
    "import_records",
    "is_valid_uscc",
    "looks_like_code",
    "make_uscc",
    "normalise_uscc",
    "validate_uscc",
]
