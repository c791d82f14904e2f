"""Fixtures for collect tests: simulators on 127.0.0.1, a hub with a pipeline worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from connectors.registry import CONNECTORS
from hub.collect import demo
from hub.container import Hub
from tests.support.live import LiveHub, free_port


@pytest.fixture
def simulate() -> Iterator[Callable[..., demo.Simulator]]:
    """`simulate(name, total=…, page_size=…)` serves that connector's simulator over HTTP."""
    started: list[demo.Simulator] = []

    def start(name: str, *, total: int = 150, page_size: int = 40, seed: int = 1,
              app: Any = None) -> demo.Simulator:
        app = app or CONNECTORS[name].simulator(seed=seed, total=total, page_size=page_size)
        simulator = demo.serve_app(name, app, free_port())
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        simulator.stop()


@pytest.fixture
def pipeline(hub: Hub) -> Iterator[LiveHub]:
    """The API and a pipeline worker (no scheduler: tests start runs themselves)."""
    with LiveHub(hub, with_scheduler=False) as server:
        yield server
