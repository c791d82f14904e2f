"""The rules page (分办规则): the rules in force in Chinese, editing the rule set as YAML
with a dry run on past clues before saving, saving as a new version, the versions.

Anyone of the office may read it; only the administrator dry-runs, saves and activates.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.errors import Conflict, HubError
from hub.intake.present import clue_no
from hub.route import describe, service
from hub.route.dry_run import OFFICE_TZ, dry_run, last_month
from hub.route.messages import RuleSetError
from hub.route.rulefile import load_rule_set
from hub.web.actions import act, actor, require_admin
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, register_globals, templates

router = APIRouter(prefix="/office/rules", include_in_schema=False)
PERIODS = {"last_month": "上个月", "last_30_days": "最近 30 天"}
SHOWN_CHANGES = 200
add_template_folder(Path(__file__).resolve().parent / "templates")
register_globals(clue_no=clue_no)


def digest(text: str) -> str:
    """What ties a save to the dry run of the same text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _period(name: str) -> tuple[datetime, datetime]:
    if name == "last_30_days":
        now = datetime.now(UTC)
        return now - timedelta(days=30), now
    return last_month()


def _rules_shown(rule_set: Any) -> list[dict[str, Any]]:
    return [{"number": n, "id": r.id, "name": r.name, "description": r.description,
             "conditions": describe.conditions(r), "action": describe.action(r)}
            for n, r in enumerate(rule_set.rules, start=1)]


def _errors_shown(exc: HubError, text: str) -> list[str]:
    """Each problem with the line it is on (YAML syntax errors name theirs already)."""
    if not isinstance(exc, RuleSetError):
        return [exc.message]
    shown = []
    for error in exc.errors:
        line = describe.line_of(text, error.loc) if error.loc else None
        shown.append(f"第 {line} 行：{error.msg}" if line else error.msg)
    return shown


def _page(request: Request, user: Any, session: Any, **extra: Any) -> HTMLResponse:
    wanted = request.query_params.get("version")
    active = service.get_active(session)
    version, text = service.version_yaml(session, int(wanted) if wanted and wanted.isdigit()
                                         else None)
    context = {
        "user": user, "active": active, "version": version, "rules": _rules_shown(
            load_rule_set(text)), "versions": service.list_versions(session),
        "yaml_text": text, "periods": PERIODS, "period": "last_month", "report": None,
        "errors": [], "digest": None, "comment": "", "tz": OFFICE_TZ,
        "message": request.query_params.get("message"),
        "error": request.query_params.get("error"), **extra}
    return templates.TemplateResponse(request, "rules.html", context)


@router.get("", response_class=HTMLResponse)
def rules_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    with hub.uow() as uow:
        response = _page(request, user, uow.session)
        uow.commit()  # first use saves the shipped default as version 1
    return response


@router.post("/dry-run", response_class=HTMLResponse)
def dry_run_page(request: Request, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                 yaml_text: Annotated[str, Form()], period: Annotated[str, Form()] = "last_month",
                 comment: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(user, csrf)
    require_admin(user)
    text = yaml_text.replace("\r\n", "\n")
    since, until = _period(period)
    report, errors = None, []
    with hub.uow(write=False) as uow:
        try:
            report = dry_run(uow.session, text, since, until)
        except HubError as exc:
            errors = _errors_shown(exc, text)
        response = _page(request, user, uow.session, yaml_text=text, period=period,
                         report=report, errors=errors, comment=comment,
                         digest=digest(text) if report is not None else None,
                         shown_changes=SHOWN_CHANGES)
    return response


@router.post("/save")
def save_page(user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
              yaml_text: Annotated[str, Form()], tried: Annotated[str, Form()] = "",
              comment: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    require_admin(user)
    text = yaml_text.replace("\r\n", "\n")

    def run(session: Any) -> str:
        if tried != digest(text):
            raise Conflict("规则在试运行后又有改动（或尚未试运行），请先试运行再保存")
        version = service.save_version(session, text, by=actor(user), comment=comment.strip()
                                       or None)
        return f"已保存为规则集第 {version} 版，并已启用"

    return act(hub, "/office/rules", run)


@router.post("/activate")
def activate_page(user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                  version: Annotated[int, Form()]) -> RedirectResponse:
    check_csrf(user, csrf)
    require_admin(user)

    def run(session: Any) -> str:
        service.activate(session, version, by=actor(user))
        return f"已启用规则集第 {version} 版"

    return act(hub, "/office/rules", run)

