"""A new secret file (the keyring, the signing key) written once, whole, owner-only."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_new(path: Path, data: bytes) -> None:
    """Write `data` whole to a file of its own (mode 0600), then link it to `path` in one
    step: a second process making the same file at the same moment finds the whole file,
    never half of it. FileExistsError when `path` exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.link(draft, path)
    finally:
        draft.unlink()


def load_or_make(path: Path, load: Callable[[Path], T], make: Callable[[Path], T]) -> T:
    """The file's contents, made first when there is none (another process making it a
    moment ago: loaded)."""
    if path.exists():
        return load(path)
    try:
        return make(path)
    except FileExistsError:
        return load(path)
