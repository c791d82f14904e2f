"""Command-line commands of hub.reports: `hub report monthly|issue|list`."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import click

from hub.commands import echo_json, make_hub


def _progress(started: float) -> Callable[[str], None]:
    return lambda message: click.echo(f"[{time.monotonic() - started:6.1f}s] {message}", err=True)


@click.group()
def report() -> None:
    """The monthly joint-meeting report (联席会议月报) and the ledger (台账)."""


@report.command("monthly")
@click.argument("period")
@click.option("--region", default=None, help="行政区划代码，如 420322（留空为全域）")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="输出目录")
def monthly(period: str, region: str | None, out_dir: Path) -> None:
    """Write PERIOD's (YYYY-MM) report as .json, .docx and .xlsx into --out."""
    from .endpoints import file_name, scope_of
    from .issue import render, to_bytes

    scope = scope_of(period, region)
    say = _progress(time.monotonic())
    hub = make_hub()
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with hub.uow(write=False) as uow:  # the three files from one snapshot
            made = render(uow.session, scope, office_name=hub.settings.office_name,
                          progress=say)
    finally:
        hub.close()
    report = made.report
    stem = f"{report['area']}{scope.label}"
    (out_dir / f"{stem}月报.json").write_bytes(to_bytes(report))
    (out_dir / file_name(scope, report["area"], "docx")).write_bytes(made.docx)
    (out_dir / file_name(scope, report["area"], "xlsx")).write_bytes(made.xlsx)
    say("完成")
    for path in sorted(out_dir.glob(f"{stem}*")):
        click.echo(str(path))

@report.command("issue")
@click.argument("period")
@click.option("--region", default=None, help="行政区划代码（留空为全域）")
def issue_cmd(period: str, region: str | None) -> None:
    """Issue PERIOD's report now: stored unchanged as a new version, with its sha256."""
    from .endpoints import scope_of
    from .issue import issue_apart, summary

    scope = scope_of(period, region)
    hub = make_hub()
    try:  # rendered in one read snapshot, then stored in a short write
        row = issue_apart(hub, scope, by="cli", progress=_progress(time.monotonic()))
        echo_json(summary(row))
    finally:
        hub.close()

@report.command("list")
def list_cmd() -> None:
    """The issued reports, newest first."""
    from .issue import issued_list, summary

    hub = make_hub()
    try:
        with hub.uow(write=False) as uow:
            echo_json([summary(r) for r in issued_list(uow.session)])
    finally:
        hub.close()


COMMANDS = [report]
