"""Display masks for personal data. Pure string work: never raises, never validates."""

from __future__ import annotations

import re

_LANDLINE = re.compile(r"(0[0-9]{2,3})-([0-9]{7,8})(?:-[0-9]+)?")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def mask_phone(value: str | None) -> str:
    """`13812345678` -> `138****5678`; `0719-8123456` -> `0719-***3456`."""
    text = _text(value)
    landline = _LANDLINE.fullmatch(text)
    if landline:
        # The area code only names a city; the extension is dropped with the number's middle.
        local = landline.group(2)
        return f"{landline.group(1)}-{'*' * (len(local) - 4)}{local[-4:]}"
    if len(text) >= 11:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    if len(text) >= 8:
        return "*" * (len(text) - 4) + text[-4:]
    return "*" * len(text)


def mask_name(value: str | None) -> str:
    """`张三` -> `张*`, `欧阳小明` -> `欧***`: only the first character stays."""
    text = _text(value)
    if len(text) < 2:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 1)


def mask_id_number(value: str | None) -> str:
    """First 6 (the region) + `********` + last 4 for an 18-character number."""
    text = _text(value)
    if len(text) < 15:  # too short to be an ID: showing 10 characters would show most of it
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
