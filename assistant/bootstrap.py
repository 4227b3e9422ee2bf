"""Build the Assistant from Settings (used by the CLI, the API and the evals)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from assistant.conversation import ANONYMOUS_ID
from assistant.runtime import load_policy_corpus
from assistant.service import Assistant
from assistant.settings import Settings
from connectors import RecordStore
from connectors.person_ids import load_or_create_secret
from connectors.readers import ReadLimits

log = logging.getLogger("credit_assistant.purge")


def person_id_secret(settings: Settings) -> bytes:
    """The HMAC key for ID numbers: the setting, or a file in the data folder made on first run (0600)."""
    if settings.database.person_id_secret is not None:
        return settings.database.person_id_secret.get_secret_value().encode()
    return load_or_create_secret(settings.shared_dir / "secrets" / "person_id.key")


def read_limits(settings: Settings) -> ReadLimits:
    uploads = settings.uploads
    return ReadLimits(
        max_rows=uploads.max_rows,
        max_columns=uploads.max_columns,
        max_cell_chars=uploads.max_cell_chars,
        max_uncompressed_bytes=uploads.max_uncompressed_bytes,
        max_compression_ratio=uploads.max_compression_ratio,
    )


def open_records(settings: Settings, sample: bool = True) -> RecordStore:
    return RecordStore.open(
        settings.database_url,
        settings.database.sample_subjects if sample else 0,
        settings.database.sample_seed,
        person_secret=person_id_secret(settings),
        read_limits=read_limits(settings),
    )


def purge_expired(settings: Settings, records: RecordStore) -> dict[str, int]:
    """Apply the retention settings: delete old audit entries and idle conversations; returns the counts."""
    database = settings.database
    conversations = records.conversations
    anonymous = dt.timedelta(minutes=database.anonymous_conversation_minutes)
    return {
        "audit": records.audit.purge(dt.timedelta(days=database.audit_retention_days)),
        "conversations": conversations.purge(dt.timedelta(days=database.conversation_retention_days))
        + conversations.purge(anonymous, id_prefix=ANONYMOUS_ID),
    }


def purge_on_schedule(settings: Settings, records: Callable[[], RecordStore | None]) -> threading.Event:
    """Purge every `purge_interval_seconds` in a daemon thread (each worker; deletes are idempotent) until the
    returned event is set. `records` gives the store once the service has one."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(settings.database.purge_interval_seconds):
            store = records()
            if store is None:
                continue
            try:
                purge_expired(settings, store)
            except Exception:  # a database hiccup must not end the schedule
                log.exception("scheduled purge failed")

    threading.Thread(target=loop, name="purge-expired", daemon=True).start()
    return stop


def build_assistant(settings: Settings, progress: bool = True, read_only: bool = False) -> Assistant:
    """Read-only (a serving worker): open the ingested corpus and index as they are, never rebuild them."""
    corpus = load_policy_corpus(settings, progress=progress, read_only=read_only)
    chat_model = None
    if settings.llm.enabled and settings.llm.base_url and settings.llm.model:
        from assistant.policy_qa.llm import create_chat_model

        chat_model = create_chat_model(settings.llm.base_url, settings.llm.model, settings.llm.api_key)
    records = open_records(settings)
    if not read_only:  # the serve command purges once before the workers start
        purge_expired(settings, records)
    return Assistant(settings, corpus, records, chat_model=chat_model)
