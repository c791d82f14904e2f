"""A real hub on loopback: uvicorn serving the app in a thread, with worker and scheduler."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from hub import scheduler
from hub.app import create_app
from hub.container import Hub
from hub.pipeline.worker import Worker


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveHub:
    """Starts the API (and optionally workers and the scheduler) for one test."""

    def __init__(self, hub: Hub, workers: int = 1, with_scheduler: bool = True) -> None:
        self.hub = hub
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.stop = threading.Event()
        self._server = uvicorn.Server(uvicorn.Config(
            create_app(hub), host="127.0.0.1", port=self.port, log_level="warning",
            access_log=False, lifespan="off"))
        self._threads = [threading.Thread(target=self._server.run, daemon=True)]
        self._threads += [threading.Thread(target=Worker(hub).run, args=(self.stop,), daemon=True)
                          for _ in range(workers)]
        if with_scheduler:
            self._threads.append(threading.Thread(target=scheduler.run, args=(hub, self.stop),
                                                  daemon=True))

    def __enter__(self) -> LiveHub:
        for thread in self._threads:
            thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._server.should_exit = True
        for thread in self._threads:
            thread.join(timeout=10)
