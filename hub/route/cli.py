"""Command-line commands of hub.route."""

from __future__ import annotations

from collections.abc import Callable

import click


def register(main: click.Group, make_hub: Callable, echo_json: Callable) -> None:
    """Add this domain's commands to `hub`."""
