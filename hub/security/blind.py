"""Blind indexes: keyed HMACs of a reporter's normalized phone and ID numbers.

Stored beside the clue, computed at intake from the plaintext that is being encrypted, so
"has this person reported before?" is one indexed equality, with nothing decrypted. The key
is the keyring's separate blind-index key: master-key rotation leaves the indexes valid.
"""

from __future__ import annotations

import re

from hub.normalize.codes import CodeError, check_id_number, check_phone, normalize_code_text
from hub.security.crypto import Cipher


def normalized_phone(value: str) -> str | None:
    try:
        return check_phone(value)
    except CodeError:
        digits = re.sub(r"\D", "", normalize_code_text(value))
        return digits[-11:] if len(digits) >= 7 else None


def normalized_id_number(value: str) -> str | None:
    try:
        return check_id_number(value)
    except CodeError:
        text = normalize_code_text(value)
        return text if len(text) >= 6 else None


def phone_index(cipher: Cipher, phone: str | None) -> str | None:
    value = normalized_phone(phone) if phone else None
    return cipher.blind_index("phone", value) if value else None


def id_index(cipher: Cipher, id_number: str | None) -> str | None:
    value = normalized_id_number(id_number) if id_number else None
    return cipher.blind_index("id_number", value) if value else None


def checked_index(cipher: Cipher, purpose: str, normalized: str | None) -> str | None:
    """`phone_index` / `id_index` of a value already normalized by `check_phone` /
    `check_id_number` (a submission's reporter, once validated): the same index, without
    checking the value a second time."""
    return cipher.blind_index(purpose, normalized) if normalized else None
