"""What every domain's commands (`hub …`, each domain's cli.py) share."""

from __future__ import annotations

import click
import orjson

from hub.container import Hub
from hub.settings import get_settings


def make_hub() -> Hub:
    """The hub of this process's settings (HUB_* variables)."""
    return Hub.from_settings(get_settings())


def echo_json(data: object) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
