"""Dependencies shared by routes, as `Annotated` aliases so routes read like signatures.

`AgencyDep` is the one way a route admits a partner agency: key, expiry, IP allow-list, rate
limit and (when the agency registered a key) request signature. `require_scope("...")` adds
the scope a route needs:

    HandoffReader = Annotated[AgencyPrincipal, Depends(require_scope("handoffs:read"))]

(HandoffReader, HandoffWriter and ReportReader are defined below, ready to use.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from hub.agencies.service import SCOPES, AgencyPrincipal
from hub.container import Hub
from hub.errors import Forbidden, PayloadTooLarge


async def get_hub(request: Request) -> Hub:
    return request.app.state.hub


HubDep = Annotated[Hub, Depends(get_hub)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _target(request: Request) -> str:
    """The request target as sent: raw path, and `?query` when there is one."""
    path = request.scope.get("raw_path") or request.scope["path"].encode()
    query = request.scope.get("query_string", b"")
    return (path + (b"?" + query if query else b"")).decode("latin-1")


async def current_agency(request: Request) -> AgencyPrincipal:
    # On the event loop: a cached key costs microseconds, a miss one indexed read per
    # HUB_API_KEY_CACHE_SECONDS, cheaper than a hop to the thread pool on every request.
    guard = request.app.state.agency_guard
    agency = guard.admit(_bearer(request), request.client.host if request.client else None)
    if agency.signing_public_key is not None:
        body = await read_body(request, request.app.state.hub.settings.max_body_bytes)
        await run_in_threadpool(guard.check_signature, agency, request.method, _target(request),
                                request.headers, body)
    return agency


AgencyDep = Annotated[AgencyPrincipal, Depends(current_agency)]


def require_scope(scope: str) -> Callable[..., Awaitable[AgencyPrincipal]]:
    """A dependency admitting an agency whose key carries `scope` (403 naming it otherwise)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    # Takes the request and admits the agency itself rather than depending on AgencyDep:
    # each level of dependencies costs FastAPI tens of microseconds per request.
    async def scoped(request: Request) -> AgencyPrincipal:
        agency = await current_agency(request)
        if scope not in agency.scopes:
            raise Forbidden(f"该 API 密钥没有“{scope}”（{SCOPES[scope]}）权限")
        return agency

    scoped.__name__ = f"require_{scope.replace(':', '_')}"
    return scoped


ClueWriter = Annotated[AgencyPrincipal, Depends(require_scope("clues:write"))]
ClueReader = Annotated[AgencyPrincipal, Depends(require_scope("clues:read"))]
HandoffReader = Annotated[AgencyPrincipal, Depends(require_scope("handoffs:read"))]
HandoffWriter = Annotated[AgencyPrincipal, Depends(require_scope("handoffs:write"))]
ReportReader = Annotated[AgencyPrincipal, Depends(require_scope("reports:read"))]
MeetingReader = Annotated[AgencyPrincipal, Depends(require_scope("meetings:read"))]


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 past `limit` bytes (checked before and while reading).

    Read once: a signed request's body was read for its signature and is kept on the request.
    """
    kept = getattr(request.state, "body", None)
    if kept is not None:
        return kept
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"请求体超过 {limit // 1024} KiB 的上限")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"请求体超过 {limit // 1024} KiB 的上限")
        chunks.append(chunk)
    request.state.body = b"".join(chunks)
    return request.state.body


__all__ = ["AgencyDep", "ClueReader", "ClueWriter", "HandoffReader", "HandoffWriter", "HubDep",
           "MeetingReader", "ReportReader", "read_body", "require_scope", "run_in_threadpool"]
