"""Attachments as the hub keeps them: checked (media type from the bytes, size, zip bombs),
named safely, encrypted with a data key of their own bound to where they belong.

Hand-off replies and clues both store their files this way (`seal`), and both serve them
back with the media type the hub found, never the sender's word (`serve_headers`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from hub.errors import FieldError, InvalidInput
from hub.security.crypto import Cipher
from hub.security.filenames import safe_filename
from hub.security.media import Limits, check_attachment

# What a browser may show inline: images and PDF (never HTML, SVG or text that could run).
PREVIEWABLE = frozenset({"image/png", "image/jpeg", "image/gif", "application/pdf"})
# A preview is a document of its own: no scripts, no plugins beyond the browser's own
# viewers, nothing loaded from elsewhere, framed only by the hub's own pages.
PREVIEW_CSP = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
               "object-src 'self'; frame-ancestors 'self'")
DOWNLOAD_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


@dataclass(frozen=True)
class Sealed:
    filename: str
    media_type: str
    size: int
    sha256: str
    content_enc: bytes


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def seal(cipher: Cipher, content: bytes, *, filename: str | None, declared_type: str | None,
         max_bytes: int, aad: Callable[[str], bytes],
         field: tuple = ("body", "file")) -> Sealed:
    """Refuse an empty file, check size and media type (from the bytes), name it safely and
    encrypt it with associated data `aad(sha256)`."""
    if not content:
        raise InvalidInput([FieldError(list(field), "附件（file）：文件为空")])
    media_type = check_attachment(content, declared_type, filename or "",
                                  Limits(max_bytes=max_bytes))
    sha = digest(content)
    return Sealed(safe_filename(filename, media_type), media_type, len(content), sha,
                  cipher.encrypt(content, aad(sha)))


def serve_headers(filename: str, media_type: str, *, inline: bool) -> dict[str, str]:
    """Headers for handing a stored file back: the hub's media type (set by the caller),
    inline only for what a browser shows safely, always sandboxed and never sniffed."""
    inline = inline and media_type in PREVIEWABLE
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
               "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": PREVIEW_CSP if inline else DOWNLOAD_CSP,
               "Cache-Control": "no-store"}
    if inline:
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers
