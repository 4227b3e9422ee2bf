"""A serving process's long-lived objects, kept out of the garbage collector's full passes.

A loaded assistant holds hundreds of thousands of objects that are never garbage (passages, token lists,
vocabularies, the records' caches). Python's cyclic collector walks all of them on each full pass — 0.2 to
0.5 s holding the GIL — and a burst of requests is what triggers one: every request the admission middleware
should refuse at once then waits for it (seen as a first burst whose 503s all took ≈ 220 ms, the next ones
≈ 30 ms). Freezing the objects alive once the assistant is loaded moves them to a generation the collector
skips; they are still freed by reference counting when dropped (an index version swapped out).
"""

from __future__ import annotations

import gc


def settle(full: bool = True) -> None:
    """Collect what loading left behind, then freeze every object alive now. `full` runs a full collection
    (at start, before the process serves); without it only the young generations are collected (after an
    index swap, while serving: the objects frozen before are not walked again either way)."""
    gc.collect(2 if full else 1)
    gc.freeze()
