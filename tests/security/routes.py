"""The application's route table, flattened: every (method, path) a client can call."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from starlette.routing import Mount


def _flatten(routes: list) -> Iterator:
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)  # FastAPI's included routers
        if contexts is not None:
            yield from contexts()
        else:
            yield route


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """Sorted (METHOD, path) pairs; HEAD is left out (it answers as GET does), a mount
    appears as GET <prefix>/{path}."""
    pairs = set()
    for route in _flatten(app.routes):
        if isinstance(route, Mount):
            pairs.add(("GET", f"{route.path}/{{path}}"))
            continue
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD":
                pairs.add((method, route.path))
    return sorted(pairs, key=lambda pair: (pair[1], pair[0]))
