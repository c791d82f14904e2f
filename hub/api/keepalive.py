"""A keep-alive connection is closed after `max_requests` answers (`Connection: close` on the
last), so that the client's next request opens a new one.

`hub api --processes N` spreads connections over its processes with SO_REUSEPORT when they
open; a client that keeps its connections for ever stays wherever the kernel put it first,
and one process could serve three quarters of the load. Closed after a while, a connection is
placed again, and over a few placements each process serves its share. (nginx does the same
with `keepalive_requests`.)

Plain ASGI, as SecurityHeaders: a dict look-up per request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_CLOSE = (b"connection", b"close")
_TRACKED = 10_000  # connections counted at most (a client gone early leaves its count)


class KeepAliveLimit:
    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self._served: dict[tuple, int] = {}  # (client host, port) -> answers on it so far

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or self.max_requests <= 0 or not client:
            await self.app(scope, receive, send)
            return
        key = tuple(client)
        served = self._served.pop(key, 0) + 1
        if served < self.max_requests:
            if len(self._served) >= _TRACKED:
                self._served.clear()
            self._served[key] = served
            await self.app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), _CLOSE]
            await send(message)

        await self.app(scope, receive, send_closing)
