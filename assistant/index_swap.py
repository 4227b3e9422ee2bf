"""Serve the newest published index: one pointer read per request, a reload when it changed.

`credit-assistant ingest` / `index` publish a new index version by replacing the pointer file. The first
request that sees a new version loads it (corpus snapshot + indexes, reusing the loaded encoder, tokenizer,
records and conversations) and swaps the reference; requests already running keep the assistant they
started with, whose files stay valid. Concurrent requests do not wait for the load: they are served by the
previous version until the swap. A version that fails to load is logged and skipped (the old one stays).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

from assistant.runtime import open_version
from assistant.service import Assistant
from indexes.versions import current_version

log = logging.getLogger("credit_assistant.index")


class AssistantHolder(Protocol):
    assistant: Assistant | None


def with_version(assistant: Assistant, version: str) -> Assistant:
    """A new Assistant over index `version`, sharing everything that does not depend on the corpus."""
    retriever = assistant.corpus.retriever
    corpus = open_version(assistant.settings, version, retriever.encoder, retriever.tokenizer)
    fresh = Assistant(assistant.settings, corpus, assistant.records, chat_model=assistant.chat_model)
    fresh.conversations = assistant.conversations  # follow-ups survive the swap
    return fresh


class IndexSwap:
    def __init__(self, index_root: Path) -> None:
        self.root = index_root
        self.failed: str | None = None
        self._loading = threading.Lock()

    def latest(self, holder: AssistantHolder) -> Assistant:
        """The holder's assistant, first swapped to the published version if that changed."""
        serving = holder.assistant
        assert serving is not None
        version = current_version(self.root)
        if version is None or version in (serving.corpus.version, self.failed):
            return serving
        if not self._loading.acquire(blocking=False):  # another request is loading it
            return serving
        try:
            serving = holder.assistant or serving  # another request may have swapped meanwhile
            if serving.corpus.version != version:
                fresh = with_version(serving, version)
                holder.assistant = serving = fresh
                log.info("switched to index version %s", version)
        except Exception:
            log.exception("index version %s could not be loaded; serving %s", version, serving.corpus.version)
            self.failed = version
        finally:
            self._loading.release()
        return serving
