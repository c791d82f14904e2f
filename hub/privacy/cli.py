"""`hub hold set|release`, `hub retention run`."""

from __future__ import annotations

import click

from hub.commands import make_hub


@click.group()
def retention() -> None:
    """Retention of raw records and reporter data (保存期限)."""


@retention.command("run")
def retention_run() -> None:
    """Purge and anonymize what is past its period now (the scheduler does it nightly)."""
    from hub.privacy.retention import run_retention

    click.echo(run_retention(make_hub()).summary())


@click.group()
def hold() -> None:
    """Legal holds (法律保留): retention leaves a held clue untouched."""


@hold.command("set")
@click.argument("clue_number")
@click.option("--reason", required=True)
def hold_set(clue_number: str, reason: str) -> None:
    from hub import audit
    from hub.db.types import utcnow
    from hub.privacy.reveal import Where
    from hub.privacy.service import set_hold
    from hub.route.service import clue_id_of

    with make_hub().uow() as uow:
        actor = audit.cli_actor()
        set_hold(uow.session, clue_id_of(uow.session, clue_number), reason, actor=actor,
                 by_name=actor, where=Where("cli"), now=utcnow())
        uow.commit()
    click.echo(f"线索 {clue_number} 已设置法律保留")


@hold.command("release")
@click.argument("clue_number")
def hold_release(clue_number: str) -> None:
    from hub import audit
    from hub.db.types import utcnow
    from hub.privacy.reveal import Where
    from hub.privacy.service import release_hold
    from hub.route.service import clue_id_of

    with make_hub().uow() as uow:
        actor = audit.cli_actor()
        release_hold(uow.session, clue_id_of(uow.session, clue_number), actor=actor,
                     by_name=actor, where=Where("cli"), now=utcnow())
        uow.commit()
    click.echo(f"线索 {clue_number} 已解除法律保留")


COMMANDS = [retention, hold]
