"""Administrator commands: agencies and their keys, failed tasks, the published schemas."""

from __future__ import annotations

from collections.abc import Callable

import click

from hub import audit
from hub.contract.v1 import Channel
from hub.db.types import utcnow


def register(main: click.Group, make_hub: Callable, echo_json: Callable) -> None:
    @main.group()
    def agency() -> None:
        """Partner agencies (协作单位) and their API keys."""

    @agency.command("add")
    @click.option("--name", required=True, help="单位全称，如 十堰市中级人民法院")
    @click.option("--channel", required=True, type=click.Choice([c.value for c in Channel]))
    @click.option("--region", help="6 位行政区划代码")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
    def agency_add(name: str, channel: str, region: str | None, as_json: bool) -> None:
        """Register an agency; prints its new API key once (only a hash is stored)."""
        from hub.agencies.service import add_agency
        from hub.normalize.codes import CodeError, check_region_code

        try:
            region = check_region_code(region) if region else None
        except CodeError as exc:
            raise click.BadParameter(str(exc), param_hint="--region") from None
        with make_hub().uow() as uow:
            found, key = add_agency(uow.session, name=name, channel=channel, region_code=region)
            audit.record(uow.session, actor=audit.cli_actor(), action="agency.added",
                         target=f"agency:{found.id}", via="cli",
                         after={"name": found.name, "channel": channel, "region_code": region})
            uow.commit()
        data = {"id": found.id, "name": found.name, "channel": channel, "region_code": region,
                "api_key": key}
        if as_json:
            echo_json(data)
        else:
            click.echo(f"已登记协作单位 {found.name}（编号 {found.id}）")
            click.echo(f"API 密钥（只显示这一次，请妥善转交）：{key}")

    @agency.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def agency_list(as_json: bool) -> None:
        """Agencies with their keys (ids and state, never secrets)."""
        from hub.agencies.service import list_agencies

        with make_hub().uow(write=False) as uow:
            rows = [
                {"id": a.id, "name": a.name, "channel": a.channel, "region_code": a.region_code,
                 "keys": [{"id": k.id, "created_at": k.created_at.isoformat(),
                           "revoked": k.revoked_at is not None} for k in keys]}
                for a, keys in list_agencies(uow.session)
            ]
        if as_json:
            echo_json(rows)
            return
        for row in rows:
            live = [k["id"] for k in row["keys"] if not k["revoked"]]
            click.echo(f"{row['id']:>4}  {row['name']}  {row['channel']}  "
                       f"{row['region_code'] or '-'}  有效密钥: {', '.join(live) or '无'}")

    @agency.command("revoke-key")
    @click.argument("key_id")
    def agency_revoke_key(key_id: str) -> None:
        """Revoke one API key at once (by its id, the part after `hub_`)."""
        from hub.agencies.service import revoke_key

        with make_hub().uow() as uow:
            revoke_key(uow.session, key_id)
            audit.record(uow.session, actor=audit.cli_actor(), action="agency.key_revoked",
                         target=f"api_key:{key_id}", via="cli")
            uow.commit()
        click.echo(f"密钥 {key_id} 已吊销")

    @agency.command("rotate-key")
    @click.argument("agency_ref")
    @click.option("--json", "as_json", is_flag=True)
    def agency_rotate_key(agency_ref: str, as_json: bool) -> None:
        """Issue a new key for an agency (id or name) and revoke its old ones."""
        from hub.agencies.service import find_agency, rotate_key

        with make_hub().uow() as uow:
            found = find_agency(uow.session, agency_ref)
            key, revoked = rotate_key(uow.session, found)
            audit.record(uow.session, actor=audit.cli_actor(), action="agency.key_rotated",
                         target=f"agency:{found.id}", via="cli",
                         after={"new_key": key.split("_")[1], "revoked_key_ids": revoked})
            uow.commit()
        if as_json:
            echo_json({"id": found.id, "api_key": key, "revoked_key_ids": revoked})
        else:
            click.echo(f"新 API 密钥（只显示这一次）：{key}")
            click.echo(f"已吊销旧密钥：{', '.join(revoked) or '无'}")

    @main.group()
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
        from hub.pipeline.sweeper import sweep
        from hub.pipeline.tasks import replay_failed

        if not task_ids and not replay_all:
            raise click.UsageError("请给出任务编号，或用 --all 重放全部失败任务")
        hub = make_hub()
        with hub.uow() as uow:
            n = replay_failed(uow.session, utcnow(), None if replay_all else list(task_ids))
            uow.commit()
        sweep(hub)
        click.echo(f"已重新排队 {n} 项任务")

    @main.group()
    def schemas() -> None:
        """The shared schema v1 as JSON Schema files (schemas/ at the repository top)."""

    @schemas.command("export")
    @click.option("--out", default="schemas", show_default=True)
    def schemas_export(out: str) -> None:
        from hub.contract.export import write_schemas

        for path in write_schemas(out):
            click.echo(f"已写出 {path}")
