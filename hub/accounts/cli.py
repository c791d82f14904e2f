"""`hub user ...`: office accounts from the command line (the first administrator, resets)."""

from __future__ import annotations

import sys

import click

from hub.accounts.service import ROLES
from hub.commands import echo_json, make_hub


def _change(username: str, op: str, **values: str) -> None:
    """One change by the accounts service (which audits it), from the command line."""
    from hub import audit
    from hub.accounts import service

    change = {"disable": lambda s, u, **kw: service.set_active(s, u, False, **kw),
              "enable": lambda s, u, **kw: service.set_active(s, u, True, **kw),
              "reset_password": lambda s, u, **kw: service.reset_password(s, u, values["password"],
                                                                          **kw),
              "unlock": service.unlock}[op]
    with make_hub().uow() as uow:
        change(uow.session, service.get_user(uow.session, username), actor=audit.cli_actor(),
               via="cli")
        uow.commit()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


@click.group()
def user() -> None:
    """Office users (办公室用户)."""


@user.command("add")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="显示姓名")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（脚本用）")
def user_add(username: str, display_name: str, role: str, password_stdin: bool) -> None:
    """Create an office user; asks for the password (at least 10 characters)."""
    from hub import audit
    from hub.accounts.service import add_user

    password = _password(password_stdin)
    with make_hub().uow() as uow:
        made = add_user(uow.session, username=username, display_name=display_name, role=role,
                        password=password)
        audit.record(uow.session, actor=audit.cli_actor(), action="user.added",
                     target=f"user:{made.id}", via="cli",
                     after={"username": made.username, "role": made.role})
        uow.commit()
    click.echo(f"已创建用户 {made.username}（{ROLES[made.role]}）")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def user_list(as_json: bool) -> None:
    """Office users: role, active, locked after wrong passwords."""
    from hub.accounts.service import is_locked, list_users
    from hub.db.types import utcnow

    now = utcnow()
    with make_hub().uow(write=False) as uow:
        rows = [{"id": u.id, "username": u.username, "display_name": u.display_name,
                 "role": u.role, "active": u.active, "locked": is_locked(u, now),
                 "failed_logins": u.failed_logins or 0} for u in list_users(uow.session)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = ("已停用" if not row["active"] else "已锁定" if row["locked"] else "正常")
        click.echo(f"{row['id']:>4}  {row['username']:<16} {row['display_name']}  "
                   f"{ROLES.get(row['role'], row['role'])}  {state}")
    click.echo(f"共 {len(rows)} 个用户")


@user.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Disable a user (left the office): every session ends, logging in is refused."""
    _change(username, "disable")
    click.echo(f"已停用用户 {username}，其所有会话已结束")


@user.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Enable a disabled user again."""
    _change(username, "enable")
    click.echo(f"已启用用户 {username}")


@user.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（脚本用）")
def user_reset_password(username: str, password_stdin: bool) -> None:
    """Set a new password (at least 10 characters); ends the user's sessions and lifts a
    lock from wrong passwords."""
    _change(username, "reset_password", password=_password(password_stdin))
    click.echo(f"已重设用户 {username} 的密码，其所有会话已结束")


@user.command("unlock")
@click.argument("username")
def user_unlock(username: str) -> None:
    """Unlock a user locked after wrong passwords."""
    _change(username, "unlock")
    click.echo(f"已解锁用户 {username}")


@user.command("logout-everywhere")
@click.argument("username")
def user_logout_everywhere(username: str) -> None:
    """End every session of a user (lost laptop, left the office)."""
    from hub.accounts.service import get_user, logout_everywhere

    with make_hub().uow() as uow:
        n = logout_everywhere(uow.session, get_user(uow.session, username).id)
        uow.commit()
    click.echo(f"已结束 {username} 的 {n} 个会话")


COMMANDS = [user]
