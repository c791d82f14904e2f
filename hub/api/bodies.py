"""One gate for every body the JSON API reads, in front of each `/api/` route that takes one.

- A body declared as something else than JSON (or multipart, on the upload route) is refused
  with 415; one sent without a Content-Type is read as JSON.
- A JSON body FastAPI reads into a model is read here first, with the hub's limits: 413 past
  the size limit, 422 naming the path for nesting past the limit or a key repeated, or for
  bytes that are not UTF-8 JSON. FastAPI then parses only bodies that passed.

Routes that read their body by hand (clues, batches, source records) read it after the
agency is known, with the same reader (`hub.contract.jsonbody`), item by item.
"""

from __future__ import annotations

import email.message
import re
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.api.deps import read_body
from hub.api.errors import error_response
from hub.contract import jsonbody
from hub.errors import FieldError, HubError, InvalidInput, UnsupportedMediaType
from hub.settings import Settings

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def api_routes(app: FastAPI) -> Iterator[tuple[str, set[str], APIRoute]]:
    """(path template, methods, route) of each JSON API operation, included routers too."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (context.path_format or "").startswith("/api/"):
            yield context.path_format, set(context.methods or ()), route


def body_kind(route: APIRoute) -> str | None:
    """"json" (read into a model), "raw-json" (read by hand), "form", or None (no body)."""
    if route.body_field is not None:
        return "form" if "multipart/form-data" in _declared(route) else "json"
    return "raw-json" if "application/json" in _declared(route) else None


def _declared(route: APIRoute) -> set[str]:
    extra = (route.openapi_extra or {}).get("requestBody", {}).get("content", {})
    if extra:
        return set(extra)
    media = getattr(route.body_field.field_info, "media_type", "application/json") \
        if route.body_field is not None else ""
    return {media}


def media_type(header: str | None) -> tuple[str, str | None]:
    """("application/json", "utf-8") from a Content-Type header ("" when there is none)."""
    if not header:
        return "", None
    message = email.message.Message()
    message["content-type"] = header
    return message.get_content_type(), message.get_param("charset")  # type: ignore[return-value]


# What almost every client sends, accepted without parsing the header.
_PLAIN_JSON = frozenset({"application/json", "application/json; charset=utf-8"})


def check_json_type(header: str | None) -> None:
    """415 unless the body is declared as JSON in UTF-8 (or not declared at all)."""
    if not header or header.lower() in _PLAIN_JSON:
        return
    kind, charset = media_type(header)
    if not (kind == "application/json" or (kind.startswith("application/")
                                           and kind.endswith("+json"))):
        _refuse(f"请求体应为 JSON（Content-Type: application/json），收到的是“{kind or header[:60]}”")
    if charset and str(charset).lower().replace("_", "-") not in ("utf-8", "utf8"):
        _refuse(f"请求体应为 UTF-8 编码的 JSON，收到的编码是“{str(charset)[:30]}”")


def check_form_type(header: str | None) -> None:
    if media_type(header)[0] != "multipart/form-data":
        _refuse("请求体应为 multipart/form-data（附件放在字段 file 中）")


def _refuse(message: str) -> None:
    raise UnsupportedMediaType([FieldError(["header", "content-type"], f"Content-Type：{message}",
                                           "unsupported_media_type")], message)


class BodyGate:
    """The gate, as middleware: it finds the operation a request is for by path and method
    (a table made once from the routes) and checks the body the way that operation reads it."""

    def __init__(self, app: ASGIApp, api: FastAPI, settings: Settings) -> None:
        self.app, self.api, self.settings = app, api, settings
        self._table: list[tuple[re.Pattern[str], set[str], str]] | None = None

    def _kind(self, method: str, path: str) -> str | None:
        if self._table is None:
            self._table = [(compile_path(template)[0], methods, kind)
                           for template, methods, route in api_routes(self.api)
                           if methods & BODY_METHODS and (kind := body_kind(route))]
        for pattern, methods, kind in self._table:
            if method in methods and pattern.match(path):
                return kind
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = (self._kind(scope["method"], scope["path"])
                if scope["type"] == "http" and scope["method"] in BODY_METHODS
                and scope["path"].startswith("/api/") else None)
        if kind is None:
            await self.app(scope, receive, send)
            return
        try:
            scope, receive = await self._check(kind, scope, receive)
        except HubError as exc:
            await error_response(exc)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _check(self, kind: str, scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
        headers = dict(scope["headers"])
        declared = headers.get(b"content-type", b"").decode("latin-1") or None
        if kind == "form":
            check_form_type(declared)
            return scope, receive
        length = headers.get(b"content-length", b"")
        if length not in (b"", b"0") or b"transfer-encoding" in headers or declared:
            check_json_type(declared)
        if kind == "raw-json":  # the route reads it, after the agency is known
            return scope, receive
        request = Request(scope, receive)
        body = await read_body(request, self.settings.max_body_bytes)
        if body:
            try:
                jsonbody.loads(body, self.settings.max_json_depth)
            except jsonbody.JsonRefused as refused:
                raise InvalidInput(refused.errors, "请求参数有误") from None
            if not declared:  # read as JSON, as partners have always been able to send it
                scope = {**scope, "headers": [*scope["headers"],
                                              (b"content-type", b"application/json")]}
        return scope, _replay(body, receive)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body once more for FastAPI; then the connection's own messages (a disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
