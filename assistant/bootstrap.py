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

log = logging.getLogger("credit_assistant.purge")


def open_records(settings: Settings) -> RecordStore:
    return RecordStore.open(
        settings.database_url, settings.database.sample_subjects, settings.database.sample_seed
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
