"""The administrator's pages (系统管理): agencies and their keys, office users, connectors,
dead letters, failed pipeline tasks. Administrators only; every change audited (by
hub.admin.service); a form refused comes back with what was typed and the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.accounts.service import PASSWORD_MIN, ROLES, OfficePrincipal, is_locked
from hub.admin import forms, service
from hub.admin.service import Actor
from hub.agencies.service import SCOPES
from hub.api.deps import HubDep
from hub.db.types import utcnow
from hub.errors import Forbidden, HubError
from hub.web.actions import error_text, redirect_with
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, templates

router = APIRouter(prefix="/office/admin", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
SECTIONS = {"agencies": "协作单位与密钥", "users": "办公室用户", "connectors": "连接器",
            "deadletters": "死信", "tasks": "失败任务"}


def admin_user(user: PageUser) -> OfficePrincipal:
    if user.role != "admin":
        raise Forbidden("只有管理员可以使用系统管理页面")
    return user


Admin = Annotated[OfficePrincipal, Depends(admin_user)]


def _who(request: Request, user: OfficePrincipal) -> Actor:
    return Actor(f"user:{user.user_id}", "page", request.client.host if request.client else None)


def _page(request: Request, template: str, user: OfficePrincipal, section: str,
          status_code: int = 200, **context: Any) -> HTMLResponse:
    params = request.query_params
    context.setdefault("message", params.get("message"))
    context.setdefault("error", params.get("error"))
    return templates.TemplateResponse(request, template, {
        "user": user, "section": section, "sections": SECTIONS, "now": utcnow(), **context},
        status_code=status_code)


@router.get("", response_class=HTMLResponse)
@router.get("/", response_class=HTMLResponse)
def admin_home(user: Admin) -> RedirectResponse:
    return RedirectResponse("/office/admin/agencies", status_code=303)


# --- agencies ------------------------------------------------------------------------------

def _agencies_page(request: Request, user: OfficePrincipal, hub, status_code: int = 200,  # noqa: ANN001
                   **context: Any) -> HTMLResponse:
    context.setdefault("form", {"scopes": list(SCOPES)})
    return _page(request, "admin_agencies.html", user, "agencies", status_code,
                 rows=service.list_agencies(hub), scopes=SCOPES, **context)


@router.get("/agencies", response_class=HTMLResponse)
def agencies_page(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    return _agencies_page(request, user, hub)


def _key_shown(request: Request, user: OfficePrincipal, agency_id: int, name: str, key: str,
               revoked: list[str]) -> HTMLResponse:
    """The new key, on this answer only (never in a URL, never stored in plain)."""
    return _page(request, "admin_key.html", user, "agencies", agency_id=agency_id,
                 agency_name=name, key=key, revoked=revoked)


@router.post("/agencies", response_class=HTMLResponse)
async def add_agency(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    typed = {k: str(form.get(k, "")) for k in ("name", "channel", "region_code", "expires",
                                               "allow_ips")}
    typed["scopes"] = [str(s) for s in form.getlist("scopes")]
    try:
        policy = service.key_policy(typed["scopes"], typed["expires"], typed["allow_ips"])
        agency_id, key = service.add_agency(hub, _who(request, user), name=typed["name"],
                                            channel=typed["channel"],
                                            region_code=typed["region_code"], policy=policy)
    except HubError as exc:
        return _agencies_page(request, user, hub, 422, form=typed, error=error_text(exc))
    return _key_shown(request, user, agency_id, typed["name"].strip(), key, [])


def _agency_page(request: Request, user: OfficePrincipal, hub, agency_id: int,  # noqa: ANN001
                 status_code: int = 200, **context: Any) -> HTMLResponse:
    row = service.get_agency(hub, agency_id)
    context.setdefault("form", {"scopes": list(SCOPES)})
    context.setdefault("edit", {"name": row.agency.name, "channel": row.agency.channel,
                                "region_code": row.agency.region_code or ""})
    return _page(request, "admin_agency.html", user, "agencies", status_code, row=row,
                 scopes=SCOPES, **context)


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency_page(request: Request, agency_id: int, user: Admin, hub: HubDep) -> HTMLResponse:
    return _agency_page(request, user, hub, agency_id)


@router.post("/agencies/{agency_id}", response_class=HTMLResponse)
async def agency_action(request: Request, agency_id: int, user: Admin,
                        hub: HubDep) -> HTMLResponse:
    """Every change of one agency: `op` says which (edit, disable, enable, key, rotate,
    revoke, signing_key, signing_key_remove, webhook, webhook_remove, webhook_test)."""
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    op = str(form.get("op", ""))
    try:
        return await _change_agency(request, user, hub, agency_id, op, form)
    except HubError as exc:
        return _agency_page(request, user, hub, agency_id, 422, error=error_text(exc),
                            **forms.as_typed(op, form))


async def _change_agency(request: Request, user: OfficePrincipal, hub: Any, agency_id: int,
                         op: str, form: Any) -> Any:
    who, back = _who(request, user), f"/office/admin/agencies/{agency_id}"
    if op in ("key", "rotate"):
        typed = forms.key_typed(form)
        policy = service.key_policy(typed["scopes"], typed["expires"], typed["allow_ips"])
        key, revoked = service.issue_key(hub, who, agency_id, policy, rotate=op == "rotate")
        return _key_shown(request, user, agency_id,
                          service.get_agency(hub, agency_id).agency.name, key, revoked)
    if op == "signing_key":
        service.set_signing_key(hub, who, agency_id, await forms.public_key_sent(form))
        return redirect_with(back, message="已登记公钥：该单位今后的每个请求都必须签名")
    if op == "webhook_test":
        outcome = service.test_webhook(hub, who, agency_id)
        return redirect_with(back, **forms.webhook_test_said(outcome))
    message = _answered_by_message(hub, who, agency_id, op, form)
    if message is None:
        return redirect_with(back, error=f"不认识的操作“{op}”")
    return redirect_with(back, message=message)


def _answered_by_message(hub: Any, who: Actor, agency_id: int, op: str,
                         form: Any) -> str | None:
    """The changes answered with a message alone, made; None for an `op` not among them."""
    if op == "edit":
        service.edit_agency(hub, who, agency_id, **forms.agency_typed(form))
        return "已保存单位信息"
    if op in ("disable", "enable"):
        name = service.set_agency_active(hub, who, agency_id, op == "enable")
        return f"已{'启用' if op == 'enable' else '停用'}{name}"
    if op == "revoke":
        key_id = str(form.get("key_id", ""))
        service.revoke_key(hub, who, agency_id, key_id)
        return f"密钥 {key_id} 已吊销"
    if op in ("webhook", "webhook_remove"):
        service.set_webhook(hub, who, agency_id,
                            str(form.get("url", "")) if op == "webhook" else None)
        return "已保存回调地址" if op == "webhook" else "已删除回调地址"
    if op == "signing_key_remove":
        service.set_signing_key(hub, who, agency_id, None)
        return "已删除公钥：不再要求请求签名"
    return None


# --- office users --------------------------------------------------------------------------

def _users_page(request: Request, user: OfficePrincipal, hub, status_code: int = 200,  # noqa: ANN001
                **context: Any) -> HTMLResponse:
    context.setdefault("form", {"role": "reviewer"})
    now = utcnow()
    users = [(u, is_locked(u, now)) for u in service.list_users(hub)]
    return _page(request, "admin_users.html", user, "users", status_code, users=users,
                 roles=ROLES, password_min=PASSWORD_MIN, **context)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    return _users_page(request, user, hub)


@router.post("/users", response_class=HTMLResponse)
def add_user(request: Request, user: Admin, hub: HubDep, csrf: Annotated[str, Form()],
             username: Annotated[str, Form()] = "", display_name: Annotated[str, Form()] = "",
             role: Annotated[str, Form()] = "", password: Annotated[str, Form()] = ""
             ) -> HTMLResponse:
    check_csrf(user, csrf)
    try:
        made = service.add_user(hub, _who(request, user), username=username,
                                display_name=display_name, role=role, password=password)
    except HubError as exc:  # what was typed comes back, except the password
        return _users_page(request, user, hub, 422, error=error_text(exc), form={
            "username": username, "display_name": display_name, "role": role})
    return redirect_with("/office/admin/users", message=f"已创建用户 {made.username}")


@router.post("/users/{user_id}", response_class=HTMLResponse)
def change_user(request: Request, user_id: int, user: Admin, hub: HubDep,
                csrf: Annotated[str, Form()], op: Annotated[str, Form()] = "",
                role: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "") -> HTMLResponse:
    check_csrf(user, csrf)
    try:
        changed = service.change_user(hub, _who(request, user), user_id, op, role=role,
                                      password=password)
    except HubError as exc:
        return _users_page(request, user, hub, 422, error=error_text(exc), failed_user=user_id)
    done = {"role": f"已将 {changed.username} 的角色改为{ROLES.get(role, role)}",
            "disable": f"已停用 {changed.username}，其所有会话已结束",
            "enable": f"已启用 {changed.username}",
            "reset_password": f"已重设 {changed.username} 的密码，其所有会话已结束",
            "unlock": f"已解锁 {changed.username}"}
    return redirect_with("/office/admin/users", message=done.get(op, "已保存"))


# --- connectors ----------------------------------------------------------------------------

@router.get("/connectors", response_class=HTMLResponse)
def connectors_page(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    return _page(request, "admin_connectors.html", user, "connectors",
                 rows=service.connectors(hub))


@router.post("/connectors/{name}", response_class=HTMLResponse)
def connector_action(request: Request, name: str, user: Admin, hub: HubDep,
                     csrf: Annotated[str, Form()], op: Annotated[str, Form()] = "",
                     url: Annotated[str, Form()] = "", interval: Annotated[str, Form()] = "",
                     page_size: Annotated[str, Form()] = "") -> HTMLResponse:
    from connectors.registry import CONNECTORS

    check_csrf(user, csrf)
    if name not in CONNECTORS:
        return redirect_with("/office/admin/connectors", error=f"没有名为“{name}”的连接器")
    who = _who(request, user)
    try:
        if op == "save":
            service.configure_connector(hub, who, name, url=url.strip() or None,
                                        interval=forms.number(interval, "interval", "拉取间隔"),
                                        page_size=forms.number(page_size, "page_size", "每页条数"))
            message = "已保存连接器设置"
        elif op in ("enable", "disable"):
            service.configure_connector(hub, who, name, enabled=op == "enable")
            message = "已启用：马上开始拉取" if op == "enable" else "已停用"
        elif op == "run":
            if not any(r["name"] == name and r.get("enabled") for r in service.connectors(hub, 0)):
                return redirect_with("/office/admin/connectors", error="连接器未启用：请先启用再立即运行")
            service.configure_connector(hub, who, name, run_now=True)
            message = "已安排立即运行：几秒内开始，结果见下方运行记录"
        else:
            return redirect_with("/office/admin/connectors", error=f"不认识的操作“{op}”")
    except HubError as exc:
        return _page(request, "admin_connectors.html", user, "connectors", 422,
                     rows=service.connectors(hub), error=error_text(exc), failed=name,
                     typed={"url": url, "interval": interval, "page_size": page_size})
    return redirect_with("/office/admin/connectors",
                         message=f"{CONNECTORS[name].display_name_zh}：{message}")


# --- dead letters --------------------------------------------------------------------------

@router.get("/deadletters", response_class=HTMLResponse)
def deadletters_page(request: Request, user: Admin, hub: HubDep, connector: str = "",
                     state: str = "open", reason: str = "") -> HTMLResponse:
    from hub.collect.present import DEAD_STATE

    rows, groups = service.dead_letters(hub, connector or None,
                                        None if state == "all" else state or None, reason or None)
    return _page(request, "admin_deadletters.html", user, "deadletters", rows=rows,
                 groups=groups, states=DEAD_STATE,
                 f={"connector": connector, "state": state, "reason": reason})


@router.get("/deadletters/{dead_id}", response_class=HTMLResponse)
def deadletter_page(request: Request, dead_id: int, user: Admin, hub: HubDep) -> HTMLResponse:
    return _deadletter(request, user, hub, dead_id)


def _deadletter(request: Request, user: OfficePrincipal, hub, dead_id: int,  # noqa: ANN001
                status_code: int = 200, **context: Any) -> HTMLResponse:
    from hub.collect.present import DEAD_STATE

    found = service.dead_letter(hub, dead_id)
    return _page(request, "admin_deadletter.html", user, "deadletters", status_code,
                 states=DEAD_STATE, **found, **context)


@router.post("/deadletters", response_class=HTMLResponse)
async def deadletters_action(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    """Replay or discard the ticked dead letters (or one, from its page), or correct one."""
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    ids = [int(v) for v in form.getlist("dead") if str(v).isdigit()]
    op, who = str(form.get("op", "")), _who(request, user)
    back = str(form.get("back", "")) or "/office/admin/deadletters"
    back = back if back.startswith("/office/admin/deadletters") else "/office/admin/deadletters"
    if not ids:
        return redirect_with(back, error="请先勾选死信")
    try:
        if op == "replay":
            results = service.replay_dead_letters(hub, who, ids)
            return redirect_with(back, message=forms.replayed(results))
        if op == "discard":
            n = service.discard_dead_letters(hub, who, ids, str(form.get("reason", "")))
            return redirect_with(back, message=f"已放弃 {n} 条死信（理由已记录）")
        if op == "correct":
            results = service.correct_dead_letter(hub, who, ids[0], str(form.get("record", "")))
            return redirect_with(f"/office/admin/deadletters/{ids[0]}",
                                 message="已保存更正（原始记录保留）；" + forms.replayed(results))
        return redirect_with(back, error=f"不认识的操作“{op}”")
    except HubError as exc:
        if len(ids) == 1 and back.startswith(f"/office/admin/deadletters/{ids[0]}"):
            return _deadletter(request, user, hub, ids[0], 422, error=error_text(exc),
                               typed={"record": str(form.get("record", "")),
                                      "reason": str(form.get("reason", ""))})
        return redirect_with(back, error=error_text(exc))


# --- failed tasks --------------------------------------------------------------------------

@router.get("/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    return _page(request, "admin_tasks.html", user, "tasks", tasks=service.failed_tasks(hub))


@router.post("/tasks/replay", response_class=HTMLResponse)
async def replay_tasks(request: Request, user: Admin, hub: HubDep) -> HTMLResponse:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    ids = [int(v) for v in form.getlist("task") if str(v).isdigit()]
    if form.get("all") != "1" and not ids:
        return redirect_with("/office/admin/tasks", error="请先勾选任务，或选择“全部重放”")
    n = service.replay_tasks(hub, _who(request, user), None if form.get("all") == "1" else ids)
    return redirect_with("/office/admin/tasks", message=f"已重新排队 {n} 项任务")
