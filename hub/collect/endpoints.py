"""HTTP routes of hub.collect."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
