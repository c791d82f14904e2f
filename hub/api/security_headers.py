"""Headers every answer carries: no framing, no sniffing; the office's pages also get a
strict content policy (not /docs, whose page loads its viewer from a CDN).

It also refuses a NUL character (%00) in the path or query string with 400 before any route
sees it: PostgreSQL cannot compare text with one, and no honest URL carries one.

Plain ASGI rather than BaseHTTPMiddleware: it adds no task or copy on the intake hot path.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
PAGES = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                 b"script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    (b"cache-control", b"no-store"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(COMMON)
        if b"%00" in scope.get("query_string", b"") or b"%00" in scope.get("raw_path", b"") \
                or "\x00" in scope["path"]:
            await _refuse_nul(send, extra)
            return
        if scope["path"].startswith("/office"):
            extra += PAGES
        if scope.get("scheme") == "https":
            extra.append(HSTS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A response that sets its own policy (an attachment's preview, framed by the
                # hub's own page and sandboxed) keeps it; every other gets the defaults.
                own = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in extra if name not in own]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse_nul(send: Send, headers: list[tuple[bytes, bytes]]) -> None:
    import orjson

    body = orjson.dumps({"error": "invalid_input",
                         "message": "请求地址或查询参数含有 NUL 字符（%00），不被接受"})
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})
