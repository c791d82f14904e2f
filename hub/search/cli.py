"""`hub search …`: the clues' full-text index."""

from __future__ import annotations

import click

from hub.commands import echo_json, make_hub
from hub.search import service


@click.group()
def search() -> None:
    """Full-text search index of clues (全文检索索引)."""


@search.command("rebuild")
def rebuild() -> None:
    """Index every clue again (after restoring a backup made without the index)."""
    hub = make_hub()
    with hub.uow() as uow:
        done = service.rebuild(uow.session)
        uow.commit()
    echo_json({"indexed": done})


COMMANDS = [search]
