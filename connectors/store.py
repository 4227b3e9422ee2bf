"""One object that owns the engine: migrate, seed the sample data when empty, hand out the repository,
the audit trail and the conversation table."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from connectors.audit import AuditTrail
from connectors.conversations import ConversationTable
from connectors.db import make_engine, migrate, session_factory
from connectors.importers import ImportResult, import_records
from connectors.loading import clear_records, load_sample
from connectors.repository import RecordRepository
from connectors.sample import SampleGenerator


@dataclass
class RecordStore:
    engine: Engine
    sessions: sessionmaker[Session]
    repository: RecordRepository
    audit: AuditTrail = field(init=False)
    conversations: ConversationTable = field(init=False)

    def __post_init__(self) -> None:
        self.audit = AuditTrail(self.sessions)
        self.conversations = ConversationTable(self.sessions)

    @classmethod
    def open(cls, url: str, sample_subjects: int = 2000, seed: int = 20201) -> RecordStore:
        """Connect, migrate, and load the sample records into an empty database."""
        engine = make_engine(url)
        migrate(engine)
        sessions = session_factory(engine)
        store = cls(engine, sessions, RecordRepository(sessions))
        if sample_subjects and store.repository.count_subjects() == 0:
            store.reset_sample(sample_subjects, seed)
        return store

    def reset_sample(self, subjects: int, seed: int) -> dict[str, int]:
        clear_records(self.engine)
        counts = load_sample(self.engine, SampleGenerator(seed).generate(subjects))
        self.repository.invalidate()
        return counts

    def import_file(self, filename: str, data: bytes, record_type: str | None = None) -> ImportResult:
        result = import_records(self.sessions, filename, data, record_type)
        self.repository.invalidate()
        return result
