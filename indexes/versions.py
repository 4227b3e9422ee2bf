"""Versioned index folders behind one pointer file, so a rebuild never disturbs a running reader.

    <root>/CURRENT          the name of the version in use (replaced atomically: temp file + os.replace)
    <root>/<version>/       one complete, immutable build (manifest.json, bm25/, dense.faiss, sentences, …)
    <root>/.build.lock      held while a version is built and published (one builder at a time)

A build writes a new version folder and only then points CURRENT at it; readers resolve CURRENT once and
read that folder, so they see the old version or the new one, never half of either. The previous versions
are kept for a while (`KEEP_VERSIONS`), since a request that started on one may still read from it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POINTER = "CURRENT"
LOCK = ".build.lock"
KEEP_VERSIONS = 3  # the current one and the two before it
# What an index folder of the unversioned layout held directly in <root>.
LEGACY_ENTRIES = ("manifest.json", "bm25", "dense.faiss", "sentences.json", "sentence_vectors.npy")


def current_version(root: Path) -> str | None:
    """The version CURRENT names, if that folder exists; a few microseconds, meant for every request."""
    try:
        version = (root / POINTER).read_text("utf-8").strip()
    except OSError:
        return None
    return version if version and (root / version).is_dir() else None


def version_dir(root: Path, version: str) -> Path:
    return root / version


def new_version(root: Path) -> tuple[str, Path]:
    """A fresh, empty version folder (named by build time, sortable) that nothing points at yet."""
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.localtime(now // 1_000_000_000))
    version = f"v{stamp}.{now % 1_000_000_000:09d}-{secrets.token_hex(3)}"
    folder = root / version
    folder.mkdir(parents=True)
    return version, folder


def publish(root: Path, version: str, keep: int = KEEP_VERSIONS) -> None:
    """Point CURRENT at `version` in one atomic rename, then remove versions older than the last `keep`."""
    if not (root / version / "manifest.json").is_file():
        raise FileNotFoundError(f"version {version} under {root} is incomplete")
    tmp = root / f".{POINTER}.{os.getpid()}.{secrets.token_hex(4)}"
    tmp.write_text(version + "\n", "utf-8")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, root / POINTER)
    prune(root, version, keep)


def versions(root: Path) -> list[str]:
    """Version folders, oldest first."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("v"))


def prune(root: Path, current: str, keep: int = KEEP_VERSIONS) -> None:
    """Delete all but the newest `keep` versions (never `current`), and files of the unversioned layout."""
    older = [v for v in versions(root) if v != current]
    for version in older[: max(0, len(older) - (keep - 1))]:
        shutil.rmtree(root / version, ignore_errors=True)
    for name in LEGACY_ENTRIES:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def discard(root: Path, version: str) -> None:
    """Remove a version that was never published (a failed build)."""
    shutil.rmtree(root / version, ignore_errors=True)


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the build lock of `root` (an advisory lock on a file, released when the holder exits)."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK).open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def link_tree(source: Path, target: Path) -> None:
    """Copy a folder as hard links where the file system allows (a snapshot that costs no space)."""

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy)
