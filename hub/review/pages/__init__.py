"""The office's pages (Chinese, server-rendered), one router for the desk (`router`, which
hub.app includes), in modules by what they show:

    common.py     the templates, their globals and the timeline's labels, shared helpers;
    login.py      logging in and out;
    lists.py      the queue and all clues, their saved filters and .xlsx exports;
    clue.py       a clue's page, deciding (one clue or a ticked lot), merging, picking subjects;
    owners.py     owners (承办人) of clues and hand-offs, internal notes, 我的待办;
    approvals.py  decisions waiting for a section head (科长审批).
"""

from __future__ import annotations

from fastapi import APIRouter

from hub.review.pages import approvals, clue, lists, login, owners

router = APIRouter(prefix="/office", include_in_schema=False)
# In this order: `/clues/export` (lists) answers before `/clues/{number}` (clue) would.
for part in (login, lists, clue, owners, approvals):
    router.include_router(part.router)

__all__ = ["router"]
