"""`hub` commands of hub.collect: connectors, simulators, spreadsheet imports, dead letters."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hub.collect import present
from hub.commands import echo_json, make_hub


class _ConnectorName(click.ParamType):
    """A connector's name, checked against the registry only when used (keeps `hub` quick)."""

    name = "connector"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from connectors.registry import CONNECTORS

        if value not in CONNECTORS:
            self.fail(f"没有名为“{value}”的连接器，可用的有：{'、'.join(CONNECTORS)}", param, ctx)
        return value


NAMES = _ConnectorName()


@click.command("simulate")
@click.argument("name", type=NAMES)
@click.option("--port", type=int, required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--total", type=int, default=500, show_default=True, help="记录条数")
@click.option("--page-size", type=int, default=50, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def simulate(name: str, port: int, seed: int, total: int, page_size: int, host: str) -> None:
    """Serve a partner system's simulator (GET /records?cursor=&limit=)."""
    import uvicorn

    from connectors.registry import CONNECTORS

    app = CONNECTORS[name].simulator(seed=seed, total=total, page_size=page_size)
    # The partner's records exist before the hub pulls them: made before listening, so a
    # pull bench counts no generating in the partner's CPU (it was 150-200 µs per record).
    app.state.simulator.fill()
    click.echo(f"{CONNECTORS[name].display_name_zh}（模拟）：http://{host}:{port}/records，"
               f"共 {total} 条")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--connector", "name", required=True, type=NAMES, help="按哪个系统的格式读")
def import_file(file: Path, name: str) -> None:
    """Import an XLSX or CSV export (UTF-8 or GBK) as that connector's native records."""
    from connectors.registry import CONNECTORS
    from hub.collect.importer import import_sheet, read_sheet

    spec = CONNECTORS[name]
    sheet = read_sheet(file, spec.columns)
    click.echo(f"{file.name}：{len(sheet.rows)} 行，识别出 {len(sheet.matched)} 列"
               f"（{'、'.join(sheet.matched.values())}）")
    if sheet.unknown_headers:
        click.echo(f"未识别的列（已忽略）：{'、'.join(sheet.unknown_headers)}")
    bar = present.Progress(len(sheet.rows), "导入", "行")
    hub = make_hub()
    try:
        summary = import_sheet(hub, spec, sheet, progress=bar.advance)
    finally:
        hub.close()
    bar.done()
    for refusal in summary.refusals:
        click.echo(present.refusal_line(refusal))
    click.echo(present.import_summary(summary.tally))


@click.group()
def connectors() -> None:
    """Pull connectors (连接器): state, settings, a run now."""


@connectors.command("list")
@click.option("--json", "as_json", is_flag=True)
def connectors_list(as_json: bool) -> None:
    """Each connector: enabled, URL, cursor, health, last run and its counts, next run."""
    from hub.collect.config import overview

    rows = overview(make_hub())
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(present.connector_block(row))


@connectors.command("set")
@click.argument("name", type=NAMES)
@click.option("--url", help="合作方系统地址，如 http://127.0.0.1:8101")
@click.option("--interval", type=int, help="拉取间隔（秒）")
@click.option("--page-size", type=int, help="每页条数（1–1000）")
@click.option("--enable/--disable", default=None)
@click.option("--reset-cursor", is_flag=True, help="从头重新拉取（已有线索不会重复）")
def connectors_set(name: str, url: str | None, interval: int | None,
                   page_size: int | None, enable: bool | None, reset_cursor: bool) -> None:
    """Configure a connector (its agency is created on first use)."""
    from hub.audit import cli_actor
    from hub.collect.config import configure

    row = configure(make_hub(), name, url=url, interval=interval, page_size=page_size,
                    enabled=enable, reset_cursor=reset_cursor, actor=cli_actor(), via="cli")
    click.echo(f"已保存连接器 {name}：{'已启用' if row['enabled'] else '未启用'}，"
               f"地址 {row['url'] or '（未设置）'}，每 {row['interval_seconds']} 秒，"
               f"每页 {row['page_size']} 条")


@connectors.command("run")
@click.argument("name", type=NAMES)
@click.option("--max-pages", type=int, help="最多拉取的页数")
def connectors_run(name: str, max_pages: int | None) -> None:
    """One run now, from the saved cursor, with progress."""
    from hub.collect.runner import run_connector

    bar = present.Progress(None, "拉取", "条")
    hub = make_hub()
    try:
        report = run_connector(hub, name, max_pages=max_pages,
                               progress=lambda r: bar.show(present.run_progress(r)))
    finally:
        hub.close()
    bar.done()
    click.echo(present.run_result(report))
    if report.status != "ok":
        sys.exit(1)


@click.group()
def deadletters() -> None:
    """Native records that could not become clues (死信): see them, replay them."""


@deadletters.command("list")
@click.option("--connector", type=NAMES)
@click.option("--state", type=click.Choice(["open", "replayed", "resolved", "all"]),
              default="open", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def deadletters_list(connector: str | None, state: str, as_json: bool) -> None:
    from hub.collect.deadletters import list_dead_letters

    rows = list_dead_letters(make_hub(), connector, None if state == "all" else state)
    if as_json:
        echo_json([present.dead_letter_json(row) for row in rows])
        return
    for row in rows:
        click.echo(present.dead_letter_line(row))
    click.echo(f"共 {len(rows)} 条")


@deadletters.command("replay")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "replay_all", is_flag=True, help="重放全部未处理的死信")
@click.option("--connector", type=NAMES, help="与 --all 合用：只重放这个连接器的")
def deadletters_replay(ids: tuple[int, ...], replay_all: bool, connector: str | None) -> None:
    """Map again with the current mapper; what passes becomes a clue."""
    from hub.collect.deadletters import replay

    if not ids and not replay_all:
        raise click.UsageError("请给出死信编号，或用 --all 重放全部未处理的死信")
    hub = make_hub()
    try:
        results = replay(hub, None if replay_all else list(ids), connector=connector)
    finally:
        hub.close()
    for result in results:
        click.echo(present.replay_line(result))
    click.echo(present.replay_summary(results))


COMMANDS = [simulate, import_file, connectors, deadletters]
