"""Named numpy arrays in one .npz file, read defensively and written atomically (the caches' file format)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.lib.npyio import NpzFile


def load_arrays(path: Path, names: Sequence[str]) -> dict[str, np.ndarray] | None:
    """The named arrays; None when the file is missing, unreadable (truncated too), a lone .npy array or
    lacks one of them. Never unpickles."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, NpzFile):
            return None
        with loaded as data:
            return {name: data[name] for name in names}
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def save_arrays(path: Path, **arrays: np.ndarray) -> None:
    """Write a temporary file beside `path`, then replace `path` with it in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]
    os.replace(tmp, path)
