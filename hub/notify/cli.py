"""Commands of hub.notify: agencies' webhooks, failed deliveries, reminders, notifications."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import click

from hub.agencies.cli import agency
from hub.commands import echo_json, make_hub
from hub.db.types import utcnow


@contextmanager
def _field_errors(option: str) -> Iterator[None]:
    """A refused field becomes click's usual message naming the option."""
    from hub.errors import InvalidInput

    try:
        yield
    except InvalidInput as exc:
        raise click.BadParameter("；".join(e.msg for e in exc.errors), param_hint=option) from None




@agency.command("webhook")
@click.argument("agency_ref")
@click.option("--url", help="接收推送的地址（http:// 或 https://）")
@click.option("--remove", is_flag=True, help="删除回调地址，改为由对方轮询收件箱")
def agency_webhook(agency_ref: str, url: str | None, remove: bool) -> None:
    """Register (or remove) the agency's webhook URL; hand-offs are then pushed, signed."""
    from hub.agencies.service import find_agency
    from hub.notify.webhooks import set_webhook

    if bool(url) == remove:
        raise click.UsageError("请给出 --url 地址，或用 --remove 删除")
    hub = make_hub()
    with hub.uow() as uow, _field_errors("--url"):
        found = find_agency(uow.session, agency_ref)
        set_webhook(uow.session, found.id, None if remove else url, utcnow())
        uow.commit()
    if remove:
        click.echo(f"已删除 {found.name} 的回调地址")
    else:
        click.echo(f"{found.name} 的移交将推送到 {url}")
        click.echo(f"签名公钥编号 {hub.signing_key.key_id}（公钥见 GET /api/v1/keys）")


@click.group()
def webhooks() -> None:
    """Webhook deliveries to agencies: failed ones, retry."""


@webhooks.command("failed")
@click.option("--json", "as_json", is_flag=True)
def webhooks_failed(as_json: bool) -> None:
    from hub.notify.dispatch import list_failed

    with make_hub().uow(write=False) as uow:
        rows = [{"id": d.id, "delivery_id": d.delivery_id, "agency": name, "event": d.event,
                 "handoff": (d.payload.get("handoff") or {}).get("id"),
                 "attempts": d.attempts, "last_status": d.last_status,
                 "last_error": d.last_error} for d, name in list_failed(uow.session)]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['id']:>6}  {r['agency']}  {r['event']}  {r['handoff'] or '-'}  "
                   f"尝试 {r['attempts']} 次  {r['last_status'] or '无应答'}  "
                   f"{(r['last_error'] or '')[:80]}")
    click.echo(f"共 {len(rows)} 条推送失败")


@webhooks.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "retry_all", is_flag=True)
def webhooks_retry(ids: tuple[int, ...], retry_all: bool) -> None:
    from hub.notify.dispatch import retry

    if not ids and not retry_all:
        raise click.UsageError("请给出推送编号，或用 --all 重新推送全部失败的")
    with make_hub().uow() as uow:
        n = retry(uow.session, utcnow(), None if retry_all else list(ids))
        uow.commit()
    click.echo(f"已重新排队 {n} 条推送")


@webhooks.command("send")
def webhooks_send() -> None:
    """Send what is due now, once (the scheduler does this every few seconds)."""
    from hub.notify.dispatch import Dispatcher

    dispatcher = Dispatcher(make_hub())
    try:
        counts = dispatcher.tick()
    finally:
        dispatcher.close()
    click.echo("，".join(f"{k} {v}" for k, v in counts.items()))


@click.group()
def reminders() -> None:
    """Reminders (催办) and escalation (督办) of hand-offs."""


@reminders.command("run")
@click.option("--today", help="按哪一天计算（YYYY-MM-DD，默认今天，北京时间）")
def reminders_run(today: str | None) -> None:
    """Send every reminder and escalation owed today (each goes out once only)."""
    from hub.notify.jobs import office_today
    from hub.notify.reminders import run_reminders

    hub = make_hub()
    try:
        day = date.fromisoformat(today) if today else office_today(hub)
    except ValueError:
        raise click.BadParameter("日期格式应为 YYYY-MM-DD", param_hint="--today") from None
    report = run_reminders(hub, day, utcnow())
    for number, deadline, kind, days in report.sent:
        from hub.notify.plan import DEADLINE_LABELS, KIND_LABELS

        late = f"，逾期 {days} 个工作日" if days else ""
        click.echo(f"{number}  {DEADLINE_LABELS[deadline]}  {KIND_LABELS[kind]}{late}")
    click.echo(f"{day:%Y-%m-%d}：检查 {report.examined} 件移交，发出催办 {report.reminders} 次，"
               f"督办 {report.escalations} 次")


@click.group()
def notifications() -> None:
    """Office users' notifications and where they are mailed."""


@notifications.command("email")
@click.argument("username")
@click.option("--set", "email", help="电子邮箱地址")
@click.option("--remove", is_flag=True)
def notifications_email(username: str, email: str | None, remove: bool) -> None:
    """Mail this user's notifications (when HUB_SMTP_HOST is set)."""
    from hub.accounts.repository import user_by_name
    from hub.errors import NotFound
    from hub.notify.office import set_email

    if bool(email) == remove:
        raise click.UsageError("请给出 --set 邮箱地址，或用 --remove 删除")
    with make_hub().uow() as uow:
        user = user_by_name(uow.session, username)
        if user is None:
            raise NotFound(f"没有用户名为 {username} 的用户")
        with _field_errors("--set"):
            set_email(uow.session, user.id, None if remove else email)
        uow.commit()
    click.echo(f"已删除 {username} 的邮箱" if remove else f"{username} 的通知将发送到 {email}")


@click.group()
def robots() -> None:
    """Group chat robots (企业微信, 钉钉) that reminders and escalations are posted to."""

@robots.command("add")
@click.option("--platform", type=click.Choice(["wecom", "dingtalk"]), required=True)
@click.option("--url", required=True, help="机器人的 Webhook 地址（含 key 或 access_token）")
@click.option("--secret", help="钉钉机器人的加签密钥")
@click.option("--agency", "agency_ref", help="协作单位（其移交的催办、督办发到该群）")
@click.option("--section", help="办公室科室名称（全部移交的催办、督办发到该群）")
@click.option("--kinds", default="overdue,escalate,leader", show_default=True,
              help="推送哪些：before,overdue,escalate,leader")
@click.option("--name", default="", help="显示名称")
def robots_add(platform: str, url: str, secret: str | None, agency_ref: str | None,
               section: str | None, kinds: str, name: str) -> None:
    """Add a robot for an agency's group or an office section's group."""
    from hub.agencies.service import find_agency
    from hub.notify.robots import add_robot

    hub = make_hub()
    with hub.uow() as uow, _field_errors("--url"):
        agency = find_agency(uow.session, agency_ref) if agency_ref else None
        robot = add_robot(uow.session, hub.cipher, name=name or (agency.name if agency
                                                                  else section or ""),
                          platform=platform, url=url, secret=secret,
                          kinds=[k.strip() for k in kinds.split(",") if k.strip()],
                          agency_id=agency.id if agency else None, section=section)
        uow.commit()
        click.echo(f"已添加机器人 {robot.id}：{robot.name}")

@robots.command("list")
@click.option("--json", "as_json", is_flag=True)
def robots_list(as_json: bool) -> None:
    from hub.notify.robots import PLATFORMS, list_robots

    with make_hub().uow(write=False) as uow:
        rows = [{"id": r.id, "name": r.name, "platform": r.platform, "agency_id": r.agency_id,
                 "section": r.section, "kinds": r.kinds} for r in list_robots(uow.session)]
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        where = f"科室 {r['section']}" if r["section"] else f"协作单位 {r['agency_id']}"
        click.echo(f"{r['id']:>4}  {PLATFORMS[r['platform']]}  {r['name']}  {where}  "
                   f"{','.join(r['kinds'])}")
    click.echo(f"共 {len(rows)} 个机器人")

@robots.command("remove")
@click.argument("robot_id", type=int)
def robots_remove(robot_id: int) -> None:
    from hub.notify.robots import remove_robot

    with make_hub().uow() as uow:
        found = remove_robot(uow.session, robot_id)
        uow.commit()
    click.echo(f"已停用机器人 {robot_id}" if found else f"没有编号为 {robot_id} 的机器人")

@robots.command("send")
def robots_send() -> None:
    """Post what is due now, once (the scheduler does this every few seconds)."""
    from hub.notify.robots import send_due

    counts = send_due(make_hub())
    click.echo("，".join(f"{k} {v}" for k, v in counts.items()) or "没有待发送的消息")


COMMANDS = [webhooks, reminders, notifications, robots]
