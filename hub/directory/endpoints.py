"""HTTP routes of hub.directory.

None yet: the directory is the office's, and the office's pages and API (with office
accounts) come with the review pages, which call `service.search`, `service.get` and
`service.set_subject`. Partner agencies see subjects only as they sent them.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
