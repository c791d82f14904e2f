"""`hub run --with-simulators`: the six partner systems stood in for, on this machine.

Each simulator is served by uvicorn in a thread on 127.0.0.1 — on HUB_PORT+101 … HUB_PORT+106
when those are free (8101–8106 for the default hub), otherwise on a port the OS chooses, so a
second hub on the same machine starts too — and its connector is pointed at where it is,
enabled, every few seconds, so a newcomer sees clues arrive from all six channels within a
minute. A few records are added now and then, as real systems do.

Each simulator is also its agency on the receiving end (`connectors/_sim/agency.py`): four
take hand-offs by signed webhook at `<simulator>/hub/webhook`, two poll their inbox with
their API key, and all of them acknowledge, reply (some late, a few return) and report
outcomes, one step every `AGENCY_EVERY_SECONDS`, so the office sees the whole loop.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn

from connectors._sim.agency import ReceivingAgency, attach, behaviour_for
from connectors.registry import CONNECTORS
from hub import log
from hub.collect.config import configure
from hub.container import Hub
from hub.errors import ConfigError
from hub.settings import Settings

PORT_OFFSET = 101  # the simulators' preferred ports: HUB_PORT + 101 …
DEMO_TOTAL = 120
DEMO_PAGE_SIZE = 50
DEMO_INTERVAL_SECONDS = 10
GROW_EVERY_SECONDS = 30
GROW_BY = 3
AGENCY_EVERY_SECONDS = 10
POLLING = ("petition", "admin_review")  # the others take webhooks


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
    """Serve an ASGI app with uvicorn in a daemon thread; returns once it is listening.
    Port 0: the OS chooses one; the returned URL names the port actually bound."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, name=f"simulator-{name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ConfigError(f"模拟器 {name} 无法在 {host}:{port} 上启动（端口是否已被占用？）",
                              hints=["用 --simulator-port 指定另一个起始端口，"
                                     "或不指定（自动选择空闲端口）"])
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return Simulator(name, f"http://{host}:{bound}", server, thread)


def preferred_port(hub_port: int, offset: int, host: str = "127.0.0.1") -> int:
    """HUB_PORT + 101 + offset when it is free right now, else 0 (the OS chooses)."""
    port = hub_port + PORT_OFFSET + offset
    if hub_port <= 0 or port > 65535:
        return 0
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return 0
    return port


def start_simulators(base_port: int | None = None, *, hub_port: int = 0,
                     **options: int) -> list[Simulator]:
    """All six, in the registry's order: on consecutive ports from `base_port` when given
    (an error if one is taken), otherwise each on `hub_port` + 101 + i when free, else on a
    port the OS chooses."""
    started: list[Simulator] = []
    try:
        for offset, name in enumerate(CONNECTORS):
            if base_port is not None:
                started.append(serve(name, base_port + offset, **options))
                continue
            try:
                started.append(serve(name, preferred_port(hub_port, offset), **options))
            except ConfigError:  # taken between the check and the bind: let the OS choose
                started.append(serve(name, 0, **options))
    except ConfigError:
        for simulator in started:
            simulator.stop()
        raise
    return started


def start_demo(settings: Settings, base_port: int | None = None) -> list[Simulator]:
    """Start the simulators and point the connectors at where they are (the schema must be
    migrated). Without `base_port` their ports follow HUB_PORT or are chosen by the OS."""
    simulators = start_simulators(base_port, hub_port=settings.port)
    hub = Hub.from_settings(settings)
    try:
        agencies = []
        for simulator in simulators:
            state = configure(hub, simulator.name, url=simulator.url, enabled=True,
                              interval=DEMO_INTERVAL_SECONDS, page_size=DEMO_PAGE_SIZE,
                              run_now=True)
            agencies.append(_receiving_agency(hub, settings, simulator, state["agency_id"]))
    finally:
        hub.close()
    threading.Thread(target=_keep_growing, args=(simulators,), name="simulators-grow",
                     daemon=True).start()
    threading.Thread(target=_keep_working, args=(agencies,), name="simulators-work",
                     daemon=True).start()
    log.event("hub.collect.demo_started", simulators={s.name: s.url for s in simulators})
    return simulators


def _receiving_agency(hub: Hub, settings: Settings, simulator: Simulator,
                      agency_id: int) -> ReceivingAgency:
    """The simulator as the agency that receives hand-offs: a key, and a webhook or polling."""
    from hub.agencies.service import rotate_key
    from hub.db.models import Agency
    from hub.db.types import utcnow
    from hub.notify.webhooks import set_webhook

    with hub.uow() as uow:
        agency_row = uow.session.get(Agency, agency_id)
        name = agency_row.name
        # The demo's key lives only in this process: the last start's key is revoked rather
        # than left live beside a new one on every start.
        key, _ = rotate_key(uow.session, agency_row)
        webhook = None if simulator.name in POLLING else f"{simulator.url}/hub/webhook"
        set_webhook(uow.session, agency_id, webhook, utcnow())
        uow.commit()
    agency = ReceivingAgency(name, f"http://127.0.0.1:{settings.port}", key,
                             behaviour_for(simulator.name), seed=1, pace="cycles",
                             polls=webhook is None)
    attach(simulator.server.config.app, agency)
    return agency


def _keep_working(agencies: list[ReceivingAgency]) -> None:
    import httpx

    from hub.workdays import shanghai_today

    while True:
        time.sleep(AGENCY_EVERY_SECONDS)
        for agency in agencies:
            try:
                if agency.polls:
                    agency.poll()
                agency.work(shanghai_today())
            except httpx.HTTPError as exc:  # the hub restarting, say: next round
                log.warning("hub.collect.demo_agency_error", agency=agency.name,
                            error=type(exc).__name__)


def _keep_growing(simulators: list[Simulator]) -> None:
    while True:
        time.sleep(GROW_EVERY_SECONDS)
        for simulator in simulators:
            simulator.grow(GROW_BY)
