"""`hub search …`: the clues' full-text index."""

from __future__ import annotations

from collections.abc import Callable

import click


def register(main: click.Group, make_hub: Callable, echo_json: Callable) -> None:
    from hub.search import service

    @main.group()
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
