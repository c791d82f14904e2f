"""Attachment names made safe to store and to offer for download.

A partner's `filename` is a label, never a path: `safe_filename` keeps only what can be shown
and written as one file name in one directory, on Linux and on the Windows desktops the
office opens downloads on. The limit is in UTF-8 bytes, not characters: 120 Chinese
characters are 360 bytes, past the 255 bytes ext4 allows in one name.
"""

from __future__ import annotations

import re
import unicodedata

from hub.security.media import ALLOWED

MAX_BYTES = 200  # well under the 255 bytes of ext4 and NTFS, room for a numeric suffix
FALLBACK = "附件"
MAX_EXTENSION_BYTES = 16  # a longer "extension" is part of the name, cut like the rest
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
_FORBIDDEN = set('<>:"/\\|?*')


def safe_filename(name: str | None, media_type: str | None = None) -> str:
    """One plain file name: no directories, no `..`, no control, invisible or unassigned
    characters, no Windows reserved names or forbidden characters, at most MAX_BYTES of UTF-8
    (never half a character), and the extension kept when the name is shortened. An empty
    name becomes 附件 with the extension of `media_type`."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]  # the last part of any path
    text = "".join(" " if c.isspace() else c for c in text if not _dropped(c))
    text = " ".join(text.split()).strip(" .")  # Windows drops trailing dots and spaces
    text = text.lstrip(".")  # no hidden files, no `..`
    if not text:
        text = FALLBACK + ALLOWED.get(media_type or "", "")
    elif _WINDOWS_RESERVED.match(text):
        text = f"{FALLBACK}_{text}"
    return _shorten(text)


def _dropped(char: str) -> bool:
    """Forbidden on Windows, or not shown as itself: control and format characters (U+202E
    flips "exe.pdf" on screen), private-use and unassigned code points. Spaces are kept."""
    return char in _FORBIDDEN or not (char.isprintable() or char.isspace())


def _shorten(text: str) -> str:
    if len(text.encode()) <= MAX_BYTES:
        return text
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext.encode()) > MAX_EXTENSION_BYTES:
        stem, ext = text, ""
    room = MAX_BYTES - len(ext.encode()) - (1 if ext else 0)
    cut = stem.encode()[:room].decode(errors="ignore").rstrip(" .")
    return f"{cut}.{ext}" if ext else cut
