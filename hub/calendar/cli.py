"""`hub calendar …`: the administrators' holiday table from the command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from hub import audit
from hub.calendar import service
from hub.commands import make_hub
from hub.errors import FieldError, InvalidInput


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput([FieldError(["date"], f"日期“{value}”格式不对，应写成 2027-01-01")],
                           f"日期“{value}”格式不对，应写成 2027-01-01") from None



@click.group()
def calendar() -> None:
    """Working-day calendar (节假日与调休): administrators' overrides."""


@calendar.command("set")
@click.argument("day")
@click.argument("kind", type=click.Choice(["holiday", "workday"]))
@click.option("--note", default="", help="名称，如 元旦")
def set_cmd(day: str, kind: str, note: str) -> None:
    """Enter one day as a holiday or a (make-up) working day."""
    hub = make_hub()
    with hub.uow() as uow:
        service.set_day(uow.session, _day(day), kind, note=note, by="cli")
        audit.record(uow.session, actor=audit.cli_actor(), action="calendar.set",
                     target=f"calendar:{_day(day).isoformat()}", via="cli",
                     after={"kind": kind, "note": note})
        uow.commit()
    click.echo(f"已录入 {day}：{service.KIND_LABELS[kind]}{f'（{note}）' if note else ''}")


@calendar.command("remove")
@click.argument("day")
def remove_cmd(day: str) -> None:
    """Remove an entered day (the package or the weekend rule applies again)."""
    hub = make_hub()
    with hub.uow() as uow:
        service.remove_day(uow.session, _day(day))
        audit.record(uow.session, actor=audit.cli_actor(), action="calendar.remove",
                     target=f"calendar:{_day(day).isoformat()}", via="cli")
        uow.commit()
    click.echo(f"已删除 {day} 的调整")


@calendar.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="该文件所属年份（默认取第一行日期的年份）")
def import_cmd(file: Path, year: int | None) -> None:
    """Import a year's list (`2027-01-01,holiday,元旦` per line); the year counts as entered."""
    hub = make_hub()
    with hub.uow() as uow:
        year, n = service.import_year(uow.session, file.read_text(encoding="utf-8-sig"),
                                      by="cli", year=year)
        audit.record(uow.session, actor=audit.cli_actor(), action="calendar.imported",
                     target=f"calendar:{year}", via="cli", after={"file": file.name, "days": n})
        uow.commit()
    click.echo(f"已导入 {year} 年节假日安排：{n} 天；{year} 年已标记为已录入")


@calendar.command("list")
@click.option("--year", type=int)
def list_cmd(year: int | None) -> None:
    """The entered days (and which years count as entered)."""
    hub = make_hub()
    with hub.uow(write=False) as uow:
        rows = service.list_overrides(uow.session, year)
        years = service.years_entered(uow.session)
    for row in rows:
        click.echo(f"{row.day.isoformat()}\t{row.kind}\t{service.KIND_LABELS[row.kind]}"
                   f"\t{row.note}\t{row.entered_by}")
    if not rows:
        click.echo("（没有录入的调整）")
    click.echo("已录入完整安排的年份：" + ("、".join(map(str, years)) or "无"))


@calendar.command("add-working-days")
@click.argument("day")
@click.argument("n", type=int)
def add_cmd(day: str, n: int) -> None:
    """The N-th working day after DAY (DAY itself not counted), for checking by hand."""
    hub = make_hub()
    start = _day(day)
    with hub.uow(write=False) as uow:
        cal = service.load_calendar(uow.session)
    due = cal.add_working_days(start, n)
    click.echo(due.isoformat())
    warning = cal.coverage_warning(start, due)
    if warning:
        click.echo(f"警告：{warning}")


COMMANDS = [calendar]
