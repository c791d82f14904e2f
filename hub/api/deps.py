"""Dependencies shared by routes, as `Annotated` aliases so routes read like signatures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from hub.agencies.service import AgencyPrincipal
from hub.container import Hub
from hub.errors import PayloadTooLarge


async def get_hub(request: Request) -> Hub:
    return request.app.state.hub


HubDep = Annotated[Hub, Depends(get_hub)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


async def current_agency(request: Request) -> AgencyPrincipal:
    # On the event loop: a cached key costs microseconds, a miss one indexed read per
    # HUB_API_KEY_CACHE_SECONDS, cheaper than a hop to the thread pool on every request.
    return request.app.state.keys.authenticate(_bearer(request))


AgencyDep = Annotated[AgencyPrincipal, Depends(current_agency)]


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 past `limit` bytes (checked before and while reading)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"请求体超过 {limit // 1024} KiB 的上限")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"请求体超过 {limit // 1024} KiB 的上限")
        chunks.append(chunk)
    return b"".join(chunks)


__all__ = ["AgencyDep", "HubDep", "read_body", "run_in_threadpool"]
