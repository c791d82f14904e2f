"""`hub run --with-simulators`: the six partner systems stood in for, on this machine.

Each simulator is served by uvicorn in a thread on 127.0.0.1 (8101–8106 by default) and its
connector is pointed at it, enabled, every few seconds, so a newcomer sees clues arrive from
all six channels within a minute. A few records are added now and then, as real systems do.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from connectors.registry import CONNECTORS
from hub import log
from hub.collect.config import configure
from hub.container import Hub
from hub.errors import ConfigError
from hub.settings import Settings

BASE_PORT = 8101
DEMO_TOTAL = 120
DEMO_PAGE_SIZE = 50
DEMO_INTERVAL_SECONDS = 10
GROW_EVERY_SECONDS = 30
GROW_BY = 3


@dataclass
class Simulator:
    name: str
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def grow(self, count: int) -> None:
        """Add records at the partner's end (after every cursor given so far)."""
        self.server.config.app.state.simulator.grow(count)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve(name: str, port: int, *, seed: int = 1, total: int = DEMO_TOTAL,
          page_size: int = DEMO_PAGE_SIZE, host: str = "127.0.0.1") -> Simulator:
    """Start one connector's simulator in a thread; returns once it answers."""
    app = CONNECTORS[name].simulator(seed=seed, total=total, page_size=page_size)
    return serve_app(name, app, port, host)


def serve_app(name: str, app: Any, port: int, host: str = "127.0.0.1") -> Simulator:
    """Serve an ASGI app with uvicorn in a daemon thread; returns once it is listening."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, name=f"simulator-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ConfigError(f"模拟器 {name} 无法在 {host}:{port} 上启动（端口是否已被占用？）",
                              hints=["用 --simulator-port 指定另一个起始端口"])
        time.sleep(0.02)
    return Simulator(name, f"http://{host}:{port}", server, thread)


def start_simulators(base_port: int = BASE_PORT, **options: int) -> list[Simulator]:
    """All six, on consecutive ports from `base_port`, in the registry's order."""
    started: list[Simulator] = []
    try:
        for offset, name in enumerate(CONNECTORS):
            started.append(serve(name, base_port + offset, **options))
    except ConfigError:
        for simulator in started:
            simulator.stop()
        raise
    return started


def start_demo(settings: Settings, base_port: int = BASE_PORT) -> list[Simulator]:
    """Start the simulators and point the connectors at them (the schema must be migrated)."""
    simulators = start_simulators(base_port)
    hub = Hub.from_settings(settings)
    try:
        for simulator in simulators:
            configure(hub, simulator.name, url=simulator.url, enabled=True,
                      interval=DEMO_INTERVAL_SECONDS, page_size=DEMO_PAGE_SIZE, run_now=True)
    finally:
        hub.close()
    threading.Thread(target=_keep_growing, args=(simulators,), name="simulators-grow",
                     daemon=True).start()
    log.event("hub.collect.demo_started", simulators={s.name: s.url for s in simulators})
    return simulators


def _keep_growing(simulators: list[Simulator]) -> None:
    while True:
        time.sleep(GROW_EVERY_SECONDS)
        for simulator in simulators:
            simulator.grow(GROW_BY)
