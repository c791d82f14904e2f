"""`hub api --processes N` closes a keep-alive connection after HUB_API_KEEPALIVE_MAX_REQUESTS
answers, so the client opens a new one and the kernel places it again (SO_REUSEPORT): the
processes share the load instead of keeping whatever the first connections gave them."""

from __future__ import annotations

import threading
import time

import httpx
import uvicorn

from hub.api.keepalive import KeepAliveLimit
from hub.app import create_app
from tests.support.live import free_port


def test_a_connection_is_closed_after_its_last_answer_and_the_client_carries_on(hub):
    app = create_app(hub)
    app.add_middleware(KeepAliveLimit, max_requests=3)
    peers = []  # the client's address of each request, as the server saw it

    async def seen(scope, receive, send):  # noqa: ANN001, ANN202
        if scope["type"] == "http":
            peers.append(tuple(scope["client"]))
        await app(scope, receive, send)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(seen, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            answers = []
            for _ in range(7):
                answers.append(client.get("/healthz"))
    finally:
        server.should_exit = True
        thread.join(10)
    assert [a.status_code for a in answers] == [200] * 7
    assert [a.headers.get("connection") for a in answers] == [None, None, "close"] * 2 + [None]
    # three connections: requests 1-3, 4-6, 7
    assert len(set(peers)) == 3 and len(set(peers[:3])) == len(set(peers[3:6])) == 1
