"""Build the Assistant from Settings (used by the CLI, the API and the evals)."""

from __future__ import annotations

from assistant.runtime import load_policy_corpus
from assistant.service import Assistant
from assistant.settings import Settings
from connectors import RecordStore


def open_records(settings: Settings) -> RecordStore:
    return RecordStore.open(
        settings.database_url, settings.database.sample_subjects, settings.database.sample_seed
    )


def build_assistant(settings: Settings, progress: bool = True) -> Assistant:
    corpus = load_policy_corpus(settings, progress=progress)
    chat_model = None
    if settings.llm.enabled and settings.llm.base_url and settings.llm.model:
        from assistant.policy_qa.llm import create_chat_model

        chat_model = create_chat_model(settings.llm.base_url, settings.llm.model, settings.llm.api_key)
    return Assistant(settings, corpus, open_records(settings), chat_model=chat_model)
