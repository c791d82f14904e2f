"""`hub meeting`: create a month's joint meeting (agenda from its report), list, show, and write
its minutes (issuing them first when they are not yet issued)."""

from __future__ import annotations

from pathlib import Path

import click

from hub.commands import echo_json, make_hub


@click.group("meeting")
def meeting() -> None:
    """Joint meetings (联席会议): one a month, agenda from the month's report."""


@meeting.command("create")
@click.option("--month", "period", required=True, help="会议所议月份，YYYY-MM，例如 2026-11")
@click.option("--agency", "agencies", multiple=True, help="参会单位的名称或编号（可重复）")
@click.option("--date", "held_on", type=click.DateTime(["%Y-%m-%d"]), help="会议日期，YYYY-MM-DD")
@click.option("--place", help="会议地点")
@click.option("--host", help="主持人")
def meeting_create(period: str, agencies: tuple[str, ...], held_on: object, place: str | None,
                   host: str | None) -> None:
    from hub.audit.service import cli_actor
    from hub.meetings import present, service

    hub = make_hub()
    with hub.uow(write=False) as uow:
        ids = service.agency_ids(uow.session, list(agencies))
    made = service.create_apart(hub, period, ids, actor=cli_actor(), via="cli")
    if held_on or place or host:
        with hub.uow() as uow:
            service.update_details(uow.session, made, held_on=held_on.date() if held_on else None,
                                   place=place, host=host, actor=cli_actor(), via="cli")
            uow.commit()
    with hub.uow(write=False) as uow:
        v = present.view(uow.session, made)
    click.echo(f"已建立{v['meeting'].title}（编号 {made}），参会单位 {len(v['participants'])} 家，"
               f"议程 {len(v['agenda'])} 项")


@meeting.command("list")
@click.option("--json", "as_json", is_flag=True)
def meeting_list(as_json: bool) -> None:
    from hub.meetings import present

    with make_hub().uow(write=False) as uow:
        rows = present.listing(uow.session)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        minutes = f"  纪要 {r['minutes']['number']}" if r["minutes"] else ""
        click.echo(f"{r['id']}  {r['title']}  {r['state_label']}  参会单位 {r['participants']} 家"
                   f"  {r['held_on'] or '日期未定'}{minutes}")
    click.echo(f"共 {len(rows)} 次")


@meeting.command("show")
@click.argument("meeting_ref")
def meeting_show(meeting_ref: str) -> None:
    """MEETING_REF: the meeting's number or its month (2026-11)."""
    from hub.meetings import present, service

    with make_hub().uow(write=False) as uow:
        v = present.view(uow.session, service.meeting_id(uow.session, meeting_ref))
    m = v["meeting"]
    click.echo(f"{m.title}（{v['summary']['state_label']}）\n会议日期：{m.held_on or '未定'}\n"
               f"会议地点：{m.place or '未定'}\n主持人：{m.host or '未定'}")
    click.echo("参会单位：")
    for p in v["participants"]:
        who = f"（{p['post'] or ''} {p['attendee']}）" if p["attendee"] else ""
        click.echo(f"  {p['name']}：{p['attendance_label']}{who}")
    click.echo("议程：")
    for i in v["agenda"]:
        click.echo(f"  {i['n']}、{i['title']}{'' if i['public'] else '（仅办公室）'}")
        for line in i["lines"]:
            click.echo(f"      {line}")
    click.echo("议定事项：")
    for d in v["decisions"]:
        handed = f"；已交办 {d['handoff']}" if d["handoff"] else ""
        click.echo(f"  {d['n']}、{d['text']}（{d['agency']}，{d['due_on']}前{handed}）")
    if m.minutes_number:
        click.echo(f"纪要：{m.minutes_number}  SHA-256 {m.minutes_sha256}")


@meeting.command("minutes")
@click.argument("meeting_ref")
@click.option("--out", "out", type=click.Path(path_type=Path), help="写到哪个文件（默认按文号命名）")
def meeting_minutes(meeting_ref: str, out: Path | None) -> None:
    """Write the minutes (.docx); issue them first if not yet issued."""
    from hub.audit.service import cli_actor
    from hub.meetings import minutes, present, service

    hub = make_hub()
    with hub.uow() as uow:
        meeting_id = service.meeting_id(uow.session, meeting_ref)
        if not present.has_minutes(uow.session, meeting_id):
            made = service.issue_minutes(uow.session, meeting_id, actor=cli_actor(), via="cli",
                                         settings=hub.settings)
            number = made.minutes_number
            uow.commit()
            click.echo(f"已印发会议纪要 {number}")
    with hub.uow(write=False) as uow:
        found = present.minutes(uow.session, meeting_id)
        target = out or Path(minutes.file_name(found))
        content, digest = found.minutes_docx, found.minutes_sha256
    target.write_bytes(content)
    click.echo(f"已写出 {target}（{len(content)} 字节，SHA-256 {digest}）")

COMMANDS = [meeting]
