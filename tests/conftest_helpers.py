"""Helpers shared by fixtures and tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_ok(url: str, attempts: int = 150, pause: float = 0.2) -> None:
    """Poll `url` until it answers 200 (a server started by a fixture), or give up quietly."""
    import time

    import httpx

    for _ in range(attempts):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(pause)


def shared_dir() -> Path | None:
    """The project's shared material (../shared beside the checkout, or CREDIT_SHARED_DIR), if present."""
    import os

    repo = Path(__file__).resolve().parents[1]
    for candidate in (os.environ.get("CREDIT_SHARED_DIR"), repo.parent / "shared", Path("/work/shared")):
        if candidate and (Path(candidate) / "documents").is_dir():
            return Path(candidate)
    return None


@contextmanager
def serve_api(settings: Any, assistant: Any) -> Iterator[str]:
    """The real API served by uvicorn in a thread on a loopback port; its base URL."""
    import threading

    import uvicorn

    from assistant.api.app import create_app
    from assistant.cli.serve_cmds import proxy_options

    port = free_port()
    app = create_app(settings, assistant)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", **proxy_options(settings.api)
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_until_ok(url + "/readyz")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
