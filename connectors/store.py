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
from connectors.person_ids import PersonKeys, rekey_legacy_subjects
from connectors.readers import ReadLimits
from connectors.repository import RecordRepository
from connectors.sample import SampleGenerator


@dataclass
class RecordStore:
    engine: Engine
    sessions: sessionmaker[Session]
    repository: RecordRepository
    person_keys: PersonKeys = field(default_factory=PersonKeys)
    read_limits: ReadLimits = field(default_factory=ReadLimits)
    audit: AuditTrail = field(init=False)
    conversations: ConversationTable = field(init=False)

    def __post_init__(self) -> None:
        self.audit = AuditTrail(self.sessions)
        self.conversations = ConversationTable(self.sessions)

    @classmethod
    def open(
        cls,
        url: str,
        sample_subjects: int = 2000,
        seed: int = 20201,
        person_secret: bytes | None = None,
        read_limits: ReadLimits | None = None,
    ) -> RecordStore:
        """Connect, migrate, re-key natural persons stored by an older version, and load the sample records
        into an empty database. Without `person_secret` ID numbers are keyed with a random secret of this
        store only (tests, benchmarks): the service passes its own, kept outside the database."""
        engine = make_engine(url)
        migrate(engine)
        sessions = session_factory(engine)
        keys = PersonKeys(person_secret)
        store = cls(engine, sessions, RecordRepository(sessions), keys, read_limits or ReadLimits())
        rekey_legacy_subjects(engine, keys)
        if sample_subjects and store.repository.count_subjects() == 0:
            store.reset_sample(sample_subjects, seed)
        return store

    def reset_sample(self, subjects: int, seed: int) -> dict[str, int]:
        clear_records(self.engine)
        counts = load_sample(self.engine, SampleGenerator(seed, person_keys=self.person_keys).generate(subjects))
        self.repository.invalidate()
        return counts

    def import_file(self, filename: str, data: bytes, record_type: str | None = None) -> ImportResult:
        result = import_records(
            self.sessions, filename, data, record_type, keys=self.person_keys, limits=self.read_limits
        )
        self.repository.invalidate()
        return result
