"""Templates of hub.privacy and hub.audit join the office pages' loader (for base.html)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse

from hub.privacy.reveal import STATE_LABELS, Where
from hub.review.web import add_template_folder, templates

add_template_folder(Path(__file__).resolve().parent / "templates")
templates.env.globals.update(REVEAL_STATES=STATE_LABELS)


def where(request: Request, via: str = "page") -> Where:
    return Where(via, request.client.host if request.client else None)


def back_with(url: str, **params: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode(params)}", status_code=303)
