"""Administrator commands: failed tasks, the published schemas, the keyring and master keys
(`hub keys init|rotate|rewrap|status|retire`)."""

from __future__ import annotations

import click

from hub import audit
from hub.commands import make_hub
from hub.settings import get_settings


@click.group()
def tasks() -> None:
    """Pipeline work that failed for good: see it, replay it."""


@tasks.command("failed")
def tasks_failed() -> None:
    from hub.pipeline.tasks import list_failed

    with make_hub().uow(write=False) as uow:
        rows = list_failed(uow.session)
    for task in rows:
        click.echo(f"{task.id:>8}  {task.stage}  线索 {task.ref_id}  尝试 {task.attempts} 次  "
                   f"{task.last_error}")
    click.echo(f"共 {len(rows)} 项失败")


@tasks.command("replay")
@click.argument("task_ids", nargs=-1, type=int)
@click.option("--all", "replay_all", is_flag=True)
def tasks_replay(task_ids: tuple[int, ...], replay_all: bool) -> None:
    from hub.admin.service import Actor, replay_tasks

    if not task_ids and not replay_all:
        raise click.UsageError("请给出任务编号，或用 --all 重放全部失败任务")
    n = replay_tasks(make_hub(), Actor(audit.cli_actor(), via="cli"),
                     None if replay_all else list(task_ids))
    click.echo(f"已重新排队 {n} 项任务")


@click.group()
def schemas() -> None:
    """The shared schema v1 as JSON Schema files (schemas/ at the repository top)."""


@schemas.command("export")
@click.option("--out", default="schemas", show_default=True)
def schemas_export(out: str) -> None:
    from hub.published import write_schemas

    for path in write_schemas(out):
        click.echo(f"已写出 {path}")


@click.group()
def keys() -> None:
    """The encryption keyring."""


@keys.command("init")
def keys_init() -> None:
    """Create the keyring file (mode 0600) unless it exists."""
    from hub.security.keyring import ensure_keyring
    from hub.security.signing import ensure_signing_key, signing_key_path

    path = get_settings().keyring_path
    ring = ensure_keyring(path)
    click.echo(f"密钥环 {path}：当前主密钥 {ring.active_id}")
    signing = ensure_signing_key(signing_key_path(path))
    click.echo(f"签名密钥 {signing_key_path(path)}：公钥编号 {signing.key_id}")


def _progress(column: str, done: int, seen: int) -> None:
    click.echo(f"  {column}: 已查看 {seen}，已重新封装 {done}")


@keys.command("rotate")
@click.option("--batch", default=500, show_default=True, help="每批重新封装的行数")
def keys_rotate(batch: int) -> None:
    """Add a new master key (active) and re-wrap every data key, in batches, while running."""
    from hub.rotation import add_master_key, rewrap_all

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
    from hub.rotation import rewrap_all

    report = rewrap_all(make_hub(), batch=batch, progress=_progress)
    click.echo(f"完成：重新封装 {report.rewrapped} 个数据密钥")


@keys.command("status")
def keys_status() -> None:
    """Each master key, whether active, and how many stored values it wraps."""
    from hub.rotation import _keyring, key_usage

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
    from hub.rotation import retire_key

    hub = make_hub()
    retire_key(hub, key_id)
    with hub.uow() as uow:
        audit.record(uow.session, actor=audit.cli_actor(), action="keys.retired", via="cli",
                     after={"key_id": key_id})
        uow.commit()
    click.echo(f"主密钥 {key_id} 已停用并从密钥环移除")


COMMANDS = [tasks, schemas, keys]
