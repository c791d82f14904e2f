"""`hub review …`: the office's lists from the command line (the same service functions as
the pages): export the queue, all clues or the hand-offs, as filtered, to .xlsx."""

from __future__ import annotations

from pathlib import Path

import click

from hub.accounts import service as accounts
from hub.commands import make_hub
from hub.errors import FieldError, Forbidden, InvalidInput
from hub.review import repository, service
from hub.review.decisions import STATUS_LABELS


def _principal(session, username: str) -> accounts.OfficePrincipal:  # noqa: ANN001
    user = accounts.find_user(session, username)
    if not user.active:
        raise Forbidden(f"用户 {username} 已停用")
    return accounts.OfficePrincipal(user.id, user.username, user.display_name, user.role,
                                    "cli", "")


@click.group()
def review() -> None:
    """Review lists (研判队列、全部线索、移交跟踪): exports."""


@review.command("export")
@click.option("--as", "username", required=True, help="以哪位办公室用户的名义导出（记入审计记录）")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="写入的 .xlsx 文件")
@click.option("--list", "which", type=click.Choice(["queue", "clues", "handoffs"]),
              default="queue", show_default=True, help="研判队列、全部线索或移交跟踪")
@click.option("--saved", default=None, help="先套用该用户保存的筛选条件（研判队列）")
@click.option("--status", default=None, help="线索状态，如 pending_review、merged（全部线索）")
@click.option("--channel", default=None)
@click.option("--category", default=None)
@click.option("--region", default=None, help="区划代码前缀，如 420322")
@click.option("--subject", default=None, help="被反映单位")
@click.option("--q", "q", default=None, help="搜索词")
@click.option("--cluster", default=None, help="线索组编号，或 multi")
@click.option("--rule", default=None, help="提出建议的规则编号，或 none")
@click.option("--state", default=None, help="移交状态，或 open（移交跟踪）")
@click.option("--kind", default=None, help="移交类型（移交跟踪）")
@click.option("--receiver", default=None, help="接收单位（移交跟踪）")
def export_cmd(username: str, out: Path, which: str, saved: str | None, **given: str | None) -> None:
    """Export a filtered list to .xlsx, recorded in the audit trail as the user's export."""
    if out.suffix.lower() != ".xlsx":
        raise InvalidInput([FieldError(["out"], "导出文件名应以 .xlsx 结尾")],
                           "导出文件名应以 .xlsx 结尾")
    hub = make_hub()
    with hub.uow() as uow:
        by = _principal(uow.session, username)
        params = {k: v for k, v in given.items() if v}
        if saved:
            found = repository.saved_filter(uow.session, by.user_id, "queue", saved)
            if found is None:
                raise InvalidInput([FieldError(["saved"], f"用户 {username} 没有名为“{saved}”的筛选条件")],
                                   f"用户 {username} 没有名为“{saved}”的筛选条件")
            params = {**found.params, **params}
        if which == "handoffs":
            from hub.handoffs import office
            from hub.handoffs.repository import OfficeFilter

            n = office.export(uow.session, by, OfficeFilter(
                params.get("state") or None, params.get("kind") or None,
                params.get("receiver") or None), out, via="cli")
        else:
            status = params.get("status") if which == "clues" else "pending_review"
            if status and status not in STATUS_LABELS:
                raise InvalidInput([FieldError(["status"], f"状态应为以下之一：{'、'.join(STATUS_LABELS)}")],
                                   f"状态“{status}”不存在")
            f = repository.QueueFilter(
                status=status or None, channel=params.get("channel"),
                category=params.get("category"), region=params.get("region"),
                subject=params.get("subject"), q=params.get("q"),
                sort=params.get("sort") or "newest",
                cluster=params.get("cluster") or ("multi" if params.get("multi") else None),
                rule=params.get("rule"))
            from hub.web.templating import region_name

            n = service.export_clues(uow.session, by, f, out, via="cli", scope=which,
                                     region_name=region_name)
        uow.commit()
    click.echo(f"已导出 {n} 行到 {out}")


COMMANDS = [review]
