"""Command-line commands of hub.directory: `hub directory import|seed|list|export|…`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from hub.commands import echo_json, make_hub
from hub.db.types import utcnow


@click.group()
def directory() -> None:
    """The directory of government bodies (单位名录) subject units resolve to."""


@directory.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="停用文件中没有的单位（不删除）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def import_cmd(file: Path, replace: bool, as_json: bool) -> None:
    """Import a CSV or XLSX file (单位名称, 简称/别名, 统一社会信用代码, 行政区划代码, …)."""
    from hub import audit
    from hub.directory.importer import import_file
    from hub.directory.sheet import SheetError

    with make_hub().uow() as uow:
        try:
            report = import_file(uow.session, file, now=utcnow(), replace=replace)
        except SheetError as exc:
            raise click.ClickException(str(exc)) from None
        audit.record(uow.session, actor=audit.cli_actor(), action="directory.imported",
                     target="directory:bodies", via="cli",
                     after={"file": file.name, "replace": replace,
                            **{k: v for k, v in report.as_json().items() if k != "refused"},
                            "refused": len(report.refused)})
        uow.commit()
    _report(report, as_json, echo_json)


@directory.command("seed")
def seed_cmd() -> None:
    """Load the demo directory of Shiyan (演示数据) if the directory is empty."""
    from hub.directory.service import ensure_seeded

    with make_hub().uow() as uow:
        report = ensure_seeded(uow.session, now=utcnow())
        uow.commit()
    click.echo("名录已有单位，未导入演示数据" if report is None
               else f"已导入演示名录：{report.summary()}")


@directory.command("list")
@click.option("--region", help="只列出该行政区划代码的单位，如 420322")
@click.option("--all", "include_inactive", is_flag=True, help="包括已停用的单位")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(region: str | None, include_inactive: bool, as_json: bool) -> None:
    """Bodies of the directory, by region."""
    from hub.directory.service import body_json, list_bodies

    with make_hub().uow(write=False) as uow:
        rows = [body_json(b) for b in list_bodies(uow.session, region=region,
                                                  include_inactive=include_inactive)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "" if row["active"] else "  （已停用）"
        click.echo(f"{row['id']:>5}  {row['region_code']}  {row['name']}  "
                   f"{row['credit_code'] or '-'}  {'、'.join(row['aliases'][:4])}{state}")
    click.echo(f"共 {len(rows)} 个单位")


@directory.command("export")
@click.argument("file", type=click.Path(path_type=Path))
def export_cmd(file: Path) -> None:
    """Write the active bodies to a CSV file that `import` takes back."""
    from hub.directory.service import export_file

    with make_hub().uow(write=False) as uow:
        n = export_file(uow.session, file, now=utcnow())
    click.echo(f"已导出 {n} 个单位到 {file}")


@directory.command("rematch")
@click.option("--all", "everything", is_flag=True, help="所有线索，而不只是有未匹配单位的")
def rematch_cmd(everything: bool) -> None:
    """Resolve stored clues' subjects again after the directory changed."""
    from hub.directory.rematch import rematch_batch
    from hub.directory.snapshot import current_index

    hub = make_hub()
    last, total = 0, 0
    while last is not None:
        with hub.uow() as uow:
            index = current_index(uow.session, hub.settings.office_region)
            last, changed = rematch_batch(
                uow.session, index, after_id=last, now=utcnow(), everything=everything,
                threshold=hub.settings.directory_match_threshold)
            uow.commit()
        total += changed
    click.echo(f"已重新匹配 {total} 条线索的被反映单位")


@directory.command("search")
@click.argument("query")
@click.option("--region", help="优先列出该行政区划的单位")
@click.option("--json", "as_json", is_flag=True)
def search_cmd(query: str, region: str | None, as_json: bool) -> None:
    """Find bodies by any part of their name or alias (the reviewer's picker)."""
    from hub.directory.service import search

    hub = make_hub()
    with hub.uow(write=False) as uow:
        found = search(uow.session, query, region, home=hub.settings.office_region)
    if as_json:
        echo_json(found)
        return
    for row in found:
        click.echo(f"{row['id']:>5}  {row['score']:5.1f}  {row['name']}  {row['region_name']}")


@directory.command("resolve")
@click.argument("name")
@click.option("--region", help="线索的行政区划代码")
@click.option("--credit-code", help="统一社会信用代码")
def resolve_cmd(name: str, region: str | None, credit_code: str | None) -> None:
    """Show what a subject unit written this way resolves to, and why."""
    from hub.directory.resolve import resolve
    from hub.directory.snapshot import current_index
    from hub.directory.subjects import METHOD_LABELS

    hub = make_hub()
    with hub.uow(write=False) as uow:
        index = current_index(uow.session, hub.settings.office_region)
    result = resolve(index, name, credit_code=credit_code, clue_region=region,
                     threshold=hub.settings.directory_match_threshold)
    label = METHOD_LABELS.get(result.method, result.method)
    click.echo(f"{label}（{result.method}，得分 {result.score}）：{result.name or '—'}")
    for candidate in result.candidates:
        click.echo(f"  候选 {candidate.body_id:>5}  {candidate.score:5.1f}  {candidate.name}")


def _report(report, as_json: bool, echo_json: Callable) -> None:  # noqa: ANN001
    if as_json:
        echo_json(report.as_json())
        return
    click.echo(f"导入完成：{report.summary()}")
    for refusal in sorted(report.refused, key=lambda r: r.line):
        click.echo(f"  第 {refusal.line} 行 「{refusal.name or '（无名称）'}」未导入：{refusal.reason}")


COMMANDS = [directory]
