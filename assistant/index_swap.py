"""Serve the newest published index: one pointer read per request, a reload when it changed.

`credit-assistant ingest` / `index` (or another replica sharing the index store) publish a new index
version by replacing the pointer file. The first request that sees a new version — or the watcher thread,
which looks every `index.poll_seconds` — starts loading it in a background thread (corpus snapshot +
indexes, reusing the loaded encoder, tokenizer, records and conversations) and swaps the reference when it
is loaded; no request waits for that or runs it on the event loop: they are served by the previous version
until the swap, and requests already running keep the assistant they started with, whose files stay valid.
The document-job thread that published a version waits for its load (`wait=True`), so the next question
cites the new document. A version that fails to load is logged and skipped (the old one stays).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

from assistant.heap import settle
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

    def latest(self, holder: AssistantHolder, wait: bool = False) -> Assistant:
        """The holder's assistant; when another version was published, its load is started in the
        background (or, with `wait`, done now) and the holder switched once it is loaded."""
        serving = holder.assistant
        assert serving is not None
        version = current_version(self.root)
        if version is None or version in (serving.corpus.version, self.failed):
            return serving
        if wait:
            with self._loading:
                self._switch(holder, version)
            return holder.assistant or serving
        if self._loading.acquire(blocking=False):  # else another thread is loading it
            threading.Thread(target=self._load_and_release, args=(holder, version), daemon=True).start()
        return serving

    def _load_and_release(self, holder: AssistantHolder, version: str) -> None:
        try:
            self._switch(holder, version)
        finally:
            self._loading.release()

    def _switch(self, holder: AssistantHolder, version: str) -> None:
        serving = holder.assistant
        assert serving is not None
        if serving.corpus.version == version or version == self.failed:
            return
        try:
            holder.assistant = with_version(serving, version)
            settle(full=False)  # the new version's objects join the frozen ones (assistant/heap.py)
            log.info("switched to index version %s", version)
        except Exception:
            log.exception("index version %s could not be loaded; serving %s", version, serving.corpus.version)
            self.failed = version

    def watch(self, holder: AssistantHolder, interval: float) -> threading.Event:
        """Look for a newly published version every `interval` seconds (a daemon thread) until the returned
        event is set: a replica picks up another's version even while it gets no requests."""
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                if holder.assistant is not None:
                    try:
                        self.latest(holder, wait=True)
                    except Exception:  # a half-written pointer or a file system hiccup: try again later
                        log.exception("looking for a new index version failed")

        threading.Thread(target=loop, name="index-watch", daemon=True).start()
        return stop
