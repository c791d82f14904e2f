"""Templates of hub.privacy and hub.audit join the office pages' loader (for base.html)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from jinja2 import ChoiceLoader, FileSystemLoader

from hub.privacy.reveal import STATE_LABELS, Where
from hub.review.web import templates


def add_templates(folder: Path) -> None:
    loader = templates.env.loader
    templates.env.loader = ChoiceLoader([loader, FileSystemLoader(folder)])


add_templates(Path(__file__).resolve().parent / "templates")
templates.env.globals.update(REVEAL_STATES=STATE_LABELS)


def where(request: Request, via: str = "page") -> Where:
    return Where(via, request.client.host if request.client else None)


def back_with(url: str, **params: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode(params)}", status_code=303)
