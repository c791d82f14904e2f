"""Taking personal identifiers out of free text (retention). Pure string work.

A complaint's text often carries what the reporter field also holds: "来电人张先生（电话
13812345678）". When retention anonymizes a reporter, the same identifiers go from the clue's
title and content: mobile and landline numbers, 18-character ID numbers, and the reporter's
own name, phone and ID number wherever they appear. The rest of the text (the problem, the
units, the places) stays: the clue remains a record of what was reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MARK = "[已清除]"

# Digits glued to other digits are not a phone number (an amount, a case number's serial).
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?:-[0-9]{1,6})?(?![0-9])")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
                        r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
_SHORTEST_NAME = 2  # one character is a surname, found everywhere in Chinese text


def redact(text: str | None, known: Iterable[str | None] = ()) -> tuple[str | None, int]:
    """The text with identifiers replaced by MARK, and how many were replaced."""
    if not text:
        return text, 0
    count = 0
    for value in sorted({k.strip() for k in known if k and len(k.strip()) >= _SHORTEST_NAME},
                        key=len, reverse=True):  # "欧阳小明" before "小明"
        count += text.count(value)
        text = text.replace(value, MARK)
    for pattern in (_ID_NUMBER, _MOBILE, _LANDLINE):
        text, n = pattern.subn(MARK, text)
        count += n
    return text, count
