"""Uploaded files: read up to the size limit, then parsed and validated in a worker thread — a few at a time —
so that a large or hostile file never holds up the request loop (/healthz, questions)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import anyio
from fastapi import Request, UploadFile

from assistant.errors import UploadTooLarge

T = TypeVar("T")


async def read_upload(request: Request, file: UploadFile) -> bytes:
    """The file's bytes; 413 upload_too_large past `api.max_upload_bytes`."""
    limit = request.app.state.settings.api.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(f"文件过大：最大 {limit / 1_000_000:g} MB。")
    return data


def _limiter(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "upload_limiter", None)
    if limiter is None:  # created on the loop, at the first upload
        limiter = anyio.CapacityLimiter(state.settings.uploads.parallel_parses)
        state.upload_limiter = limiter
    return limiter


async def off_loop(request: Request, work: Callable[..., T], *args: object) -> T:
    """Run blocking upload work in a worker thread; at most `uploads.parallel_parses` at once, others wait."""
    return await anyio.to_thread.run_sync(partial(work, *args), limiter=_limiter(request))
