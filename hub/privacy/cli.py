"""`hub keys rotate|rewrap|status|retire`, `hub hold set|release`, `hub retention run`."""

from __future__ import annotations

from collections.abc import Callable

import click


def register(main: click.Group, make_hub: Callable, echo_json: Callable) -> None:
    _keys(main.commands["keys"], make_hub)
    _holds(main, make_hub)

    @main.group()
    def retention() -> None:
        """Retention of raw records and reporter data (保存期限)."""

    @retention.command("run")
    def retention_run() -> None:
        """Purge and anonymize what is past its period now (the scheduler does it nightly)."""
        from hub.privacy.retention import run_retention

        click.echo(run_retention(make_hub()).summary())


def _progress(column: str, done: int, seen: int) -> None:
    click.echo(f"  {column}: 已查看 {seen}，已重新封装 {done}")


def _keys(keys: click.Group, make_hub: Callable) -> None:
    @keys.command("rotate")
    @click.option("--batch", default=500, show_default=True, help="每批重新封装的行数")
    def keys_rotate(batch: int) -> None:
        """Add a new master key (active) and re-wrap every data key, in batches, while running."""
        from hub import audit
        from hub.security.rotation import add_master_key, rewrap_all

        hub = make_hub()
        key_id = add_master_key(hub)
        with hub.uow() as uow:
            audit.record(uow.session, actor=audit.cli_actor(), action="keys.rotated", via="cli",
                         after={"active": key_id})
            uow.commit()
        click.echo(f"新主密钥 {key_id} 已启用；正在重新封装数据密钥……")
        report = rewrap_all(hub, batch=batch, progress=_progress)
        click.echo(f"完成：重新封装 {report.rewrapped} 个数据密钥（查看 {report.looked_at} 个值）")

    @keys.command("rewrap")
    @click.option("--batch", default=500, show_default=True)
    def keys_rewrap(batch: int) -> None:
        """Re-wrap data keys still under an older master key (e.g. before `retire`)."""
        from hub.security.rotation import rewrap_all

        report = rewrap_all(make_hub(), batch=batch, progress=_progress)
        click.echo(f"完成：重新封装 {report.rewrapped} 个数据密钥")

    @keys.command("status")
    def keys_status() -> None:
        """Each master key, whether active, and how many stored values it wraps."""
        from hub.security.rotation import _keyring, key_usage

        hub = make_hub()
        ring = _keyring(hub).ring()
        usage = key_usage(hub)
        for key_id in ring.keys:
            mark = "*" if key_id == ring.active_id else " "
            click.echo(f"{mark} {key_id}  创建于 {ring.created.get(key_id, '')[:19]}  "
                       f"使用中的值 {usage.get(key_id, 0)}")
        for key_id, when in ring.retired.items():
            click.echo(f"  {key_id}  已停用 {when[:19]}")

    @keys.command("retire")
    @click.argument("key_id")
    def keys_retire(key_id: str) -> None:
        """Remove an old master key; refused while any stored value still uses it."""
        from hub import audit
        from hub.security.rotation import retire_key

        hub = make_hub()
        retire_key(hub, key_id)
        with hub.uow() as uow:
            audit.record(uow.session, actor=audit.cli_actor(), action="keys.retired", via="cli",
                         after={"key_id": key_id})
            uow.commit()
        click.echo(f"主密钥 {key_id} 已停用并从密钥环移除")


def _holds(main: click.Group, make_hub: Callable) -> None:
    @main.group()
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
