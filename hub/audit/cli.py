"""`hub audit ...`: verify the whole trail, sign its head now, list recent entries."""

from __future__ import annotations

import sys

import click

from hub.commands import echo_json, make_hub


@click.group()
def audit() -> None:
    """The audit trail (审计记录)."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
def audit_verify(as_json: bool) -> None:
    """Check every entry's hash chain and every signed head; exit 1 at the first break."""
    from hub.audit.service import verify_trail

    hub = make_hub()
    with hub.uow(write=False) as uow:
        verdict = verify_trail(uow.session, hub.signing_key)
    if as_json:
        echo_json(verdict.__dict__)
    else:
        click.echo(verdict.summary())
    if not verdict.ok:
        sys.exit(1)


@audit.command("sign")
def audit_sign() -> None:
    """Sign the chain head now (the scheduler also does it periodically)."""
    from hub.audit.service import sign_head

    hub = make_hub()
    with hub.uow() as uow:
        head = sign_head(uow.session, hub.signing_key)
        uow.commit()
    if head is None:
        click.echo("链头未变化（或尚无记录），无需签名")
    else:
        click.echo(f"已签名链头 #{head.seq}（{head.hash[:16]}…，签名密钥 {head.key_id}）")


@audit.command("list")
@click.option("--actor", help="如 user:3、agency:2、system")
@click.option("--action", help="操作前缀，如 reporter.")
@click.option("--limit", default=50, show_default=True)
def audit_list(actor: str | None, action: str | None, limit: int) -> None:
    """The newest entries."""
    from hub.audit.service import TrailFilter, entries

    with make_hub().uow(write=False) as uow:
        rows = entries(uow.session, TrailFilter(actor=actor, action=action), limit=limit)
    for e in rows:
        who = f"{e.actor_kind}:{e.actor_id}" if e.actor_id else e.actor_kind
        target = f"{e.target_kind}:{e.target_id}" if e.target_kind else "-"
        click.echo(f"#{e.seq:>7}  {e.at:%Y-%m-%d %H:%M:%S}  {who}  {e.action}  {target}  "
                   f"{e.via}  {e.ip or '-'}")


COMMANDS = [audit]
