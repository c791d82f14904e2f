"""Command-line commands of hub.route: `hub rules export|import|list|activate|show-proposal`."""

from __future__ import annotations

import getpass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import click

from hub.commands import echo_json, make_hub
from hub.route.evaluate import NO_RULE_MATCHED, version_label

_MAX_CHANGED_SHOWN = 200


def _day_start(value: date | None, days: int = 0) -> datetime | None:
    """A date on the command line is an Asia/Shanghai calendar day."""
    from hub.route.dry_run import OFFICE_TZ

    return None if value is None else datetime.combine(value + timedelta(days), time(),
                                                       tzinfo=OFFICE_TZ)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.BadParameter(f"无法读取 {path}：{exc.strerror}", param_hint="FILE") from None


def _text(raw: bytes) -> str:
    from hub.route.rulefile import load_rule_set

    load_rule_set(raw)  # size and encoding refused here, in Chinese
    return raw.decode("utf-8-sig")


@click.group()
def rules() -> None:
    """Routing rules (分办规则): versions, import with dry run, export."""


@rules.command("export")
@click.option("--version", "version", type=int, help="版本号，默认为启用中的版本")
@click.option("--normalized", is_flag=True, help="按标准格式重写（代码后注明中文名称）")
def rules_export(version: int | None, normalized: bool) -> None:
    """Print a rule set version as YAML (as saved, comments kept)."""
    from hub.route import service
    from hub.route.rulefile import dump_rule_set, load_rule_set

    with make_hub().uow() as uow:
        number, text = service.version_yaml(uow.session, version)
        uow.commit()  # first use saves the default as version 1
    if normalized:
        text = dump_rule_set(load_rule_set(text), [f"{version_label(number)}（标准格式导出）"])
    click.echo(text, nl=not text.endswith("\n"))


@rules.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只试运行，不保存")
@click.option("--comment", help="版本说明，如 “增加消费纠纷转交规则”")
@click.option("--by", help="保存人，默认为当前系统用户")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="试运行起始日期（含）")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="试运行截止日期（含）")
@click.option("--json", "as_json", is_flag=True, help="试运行结果以 JSON 输出")
def rules_import(file: Path, dry_run: bool, comment: str | None, by: str | None,
                 since: datetime | None, until: datetime | None, as_json: bool) -> None:
    """Save FILE as a new version and put it in force; with --dry-run only compare."""
    from hub.route import service
    from hub.route.dry_run import dry_run as run_dry

    text = _text(_read(file))
    if dry_run:
        with make_hub().uow(write=False) as uow:
            report = run_dry(uow.session, text, _day_start(since and since.date()),
                             _day_start(until and until.date(), days=1))
        if as_json:
            echo_json(report.as_dict())
        else:
            _print_report(report)
        return
    with make_hub().uow() as uow:
        version = service.save_version(uow.session, text, comment=comment,
                                       by=by or f"cli:{getpass.getuser()}")
        uow.commit()
    click.echo(f"已保存为规则集第 {version} 版，并已启用")


@rules.command("list")
@click.option("--json", "as_json", is_flag=True)
def rules_list(as_json: bool) -> None:
    """Saved versions, newest first; * marks the one in force."""
    from hub.route import service

    with make_hub().uow() as uow:
        versions = service.list_versions(uow.session)
        uow.commit()
    if as_json:
        echo_json([{**v.__dict__, "created_at": v.created_at.isoformat()} for v in versions])
        return
    for v in versions:
        mark = "*" if v.active else " "
        click.echo(f"{mark} 第 {v.version} 版  {v.created_at:%Y-%m-%d %H:%M}  {v.created_by}  "
                   f"{v.rule_count} 条规则  {v.comment or ''}".rstrip())


@rules.command("activate")
@click.argument("version", type=int)
@click.option("--by", help="操作人，默认为当前系统用户")
def rules_activate(version: int, by: str | None) -> None:
    """Put a saved version back in force (e.g. to undo an import)."""
    from hub.route import service

    with make_hub().uow() as uow:
        service.activate(uow.session, version, by=by or f"cli:{getpass.getuser()}")
        uow.commit()
    click.echo(f"已启用规则集第 {version} 版")


@rules.command("show-proposal")
@click.argument("clue_number")
@click.option("--json", "as_json", is_flag=True)
def rules_show_proposal(clue_number: str, as_json: bool) -> None:
    """A clue's proposal (e.g. XS-2026-000123): rule, version and why."""
    from hub.route import service

    with make_hub().uow(write=False) as uow:
        view = service.proposal_for(uow.session, service.clue_id_of(uow.session, clue_number))
    if as_json:
        echo_json(None if view is None else
                  {**view.__dict__, "created_at": view.created_at.isoformat()})
    elif view is None:
        click.echo(f"线索 {clue_number} 尚未分办")
    else:
        _print_proposal(view)


def _print_proposal(view) -> None:  # noqa: ANN001 - a service.ProposalView
    version = version_label(view.rule_set_version)
    if view.rule_id is None:
        click.echo(f"线索 {view.clue_no}：{NO_RULE_MATCHED}（{version}）")
        return
    target = f" → {view.target}" if view.target else ""
    click.echo(f"线索 {view.clue_no}：建议{view.action_label}{target}")
    click.echo(f"规则：{view.rule_id}（{view.rule_name}），{version}，"
               f"{view.created_at:%Y-%m-%d %H:%M} UTC")
    click.echo(f"理由：{view.reason}")
    click.echo("命中条件：")
    for match in view.matched:
        click.echo(f"  - {match['text']}")


def _print_report(report) -> None:  # noqa: ANN001 - a dry_run.DryRunReport
    from hub.route.dry_run import OFFICE_TZ

    last_day = report.until.astimezone(OFFICE_TZ) - timedelta(seconds=1)
    click.echo(f"试运行（未保存）：{report.since.astimezone(OFFICE_TZ):%Y-%m-%d} 至 "
               f"{last_day:%Y-%m-%d} 收到的线索 {len(report.rows)} 条；处置变化 "
               f"{report.count('changed')} 条，不变 {report.count('same')} 条，"
               f"尚未分办 {report.count('new')} 条")
    click.echo("")
    click.echo(f"{'现有':>6} {'试运行':>6}  规则")
    for rule_id, name, now, then in report.per_rule():
        click.echo(f"{now:>6} {then:>6}  {rule_id or '-'}  {name}")
    changed = [row for row in report.rows if row.change == "changed"]
    if changed:
        click.echo("")
        click.echo("处置变化的线索：")
    for row in changed[:_MAX_CHANGED_SHOWN]:
        click.echo(f"  {row.clue_no}  {row.title}")
        click.echo(f"      现有：{row.current.label()}  →  试运行：{row.candidate.label()}")
    if len(changed) > _MAX_CHANGED_SHOWN:
        click.echo(f"  ……另有 {len(changed) - _MAX_CHANGED_SHOWN} 条，用 --json 查看全部")


COMMANDS = [rules]
