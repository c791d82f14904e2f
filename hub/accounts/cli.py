"""`hub user ...`: office accounts from the command line (the first administrator, resets)."""

from __future__ import annotations

import sys

import click

from hub.accounts.service import ROLES
from hub.commands import make_hub


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

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    with make_hub().uow() as uow:
        made = add_user(uow.session, username=username, display_name=display_name, role=role,
                        password=password)
        audit.record(uow.session, actor=audit.cli_actor(), action="user.added",
                     target=f"user:{made.id}", via="cli",
                     after={"username": made.username, "role": made.role})
        uow.commit()
    click.echo(f"已创建用户 {made.username}（{ROLES[made.role]}）")


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
