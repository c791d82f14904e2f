"""`hub user …`: what the users page does, from the command line, through the same service."""

from __future__ import annotations

import json

from sqlalchemy import select

from hub.audit.models import AuditEntry
from tests.support.cli import run_hub


def test_user_list_disable_reset_password_unlock(hub, settings):
    added = run_hub(settings, "user", "add", "--username", "zhou", "--name", "周科员", "--role",
                    "reviewer", "--password-stdin", input="short\n")
    assert added.returncode == 1 and "密码至少 10 个字符（现为 5 个）" in added.stderr
    assert run_hub(settings, "user", "add", "--username", "zhou", "--name", "周科员", "--role",
                   "reviewer", "--password-stdin", input="long-enough-1\n").returncode == 0
    listed = json.loads(run_hub(settings, "user", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["active"]) for u in listed] == [("zhou", "reviewer", True)]
    short = run_hub(settings, "user", "reset-password", "zhou", "--password-stdin", input="x\n")
    assert short.returncode == 1 and "密码至少 10 个字符" in short.stderr
    reset = run_hub(settings, "user", "reset-password", "zhou", "--password-stdin",
                    input="another-pass-2\n")
    assert reset.returncode == 0 and "已重设用户 zhou 的密码" in reset.stdout
    assert run_hub(settings, "user", "disable", "zhou").returncode == 0
    assert "已停用" in run_hub(settings, "user", "list").stdout
    assert run_hub(settings, "user", "unlock", "zhou").returncode == 0
    missing = run_hub(settings, "user", "disable", "nobody")
    assert missing.returncode == 1 and "没有用户 nobody" in missing.stderr
    with hub.uow(write=False) as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.via == "cli")))
    assert {"user.added", "user.password_reset", "user.disabled", "user.unlocked"} <= set(actions)
