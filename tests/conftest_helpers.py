"""Helpers shared by fixtures and tests."""

from __future__ import annotations


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
