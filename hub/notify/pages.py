"""The office's pages of hub.notify: notifications (the bell), and failed webhook deliveries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.api.deps import HubDep
from hub.db.types import utcnow
from hub.errors import Forbidden
from hub.notify import dispatch, office
from hub.notify.webhooks import delivery_subject
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, register_globals, templates

router = APIRouter(prefix="/office", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
WEBHOOK_ROLES = dispatch.WEBHOOK_ROLES
KIND_LABELS = {"reminder": "催办", "escalation": "督办", "leader_escalation": "领导介入",
               "followup": "回头看", "webhook_failed": "推送失败"}
EVENT_LABELS = {"handoff.created": "新移交", "handoff.updated": "移交变更",
                "handoff.reminder": "催办", "handoff.escalated": "督办",
                "clue.updated": "线索办理情况", "ticket.reply": "办理结果回复"}


def unread_notifications(request: Request, user) -> int:  # noqa: ANN001
    """For the bell in the layout (every page that has a user)."""
    with request.app.state.hub.uow(write=False) as uow:
        return office.unread_count(uow.session, user.user_id)


register_globals(unread_notifications=unread_notifications)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    with hub.uow(write=False) as uow:
        rows = office.list_for(uow.session, user.user_id)
    return templates.TemplateResponse(request, "notifications.html", {
        "user": user, "rows": rows, "labels": KIND_LABELS,
        "message": request.query_params.get("message")})


@router.post("/notifications/read")
async def notifications_read(request: Request, user: PageUser, hub: HubDep) -> RedirectResponse:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    ids = [int(v) for v in form.getlist("id") if str(v).isdigit()]
    with hub.uow() as uow:
        n = office.mark_read(uow.session, user.user_id, utcnow(), ids or None)
        uow.commit()
    return RedirectResponse(f"/office/notifications?message=已标记 {n} 条为已读", status_code=303)


def _webhook_user(user) -> None:  # noqa: ANN001
    if user.role not in WEBHOOK_ROLES:
        raise Forbidden("只有管理员、科长和领导可以查看和重发推送")


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    _webhook_user(user)
    with hub.uow(write=False) as uow:
        rows = [(d, name, dispatch.attempts_of(uow.session, d.id)[-1:])
                for d, name in dispatch.list_failed(uow.session)]
    return templates.TemplateResponse(request, "webhooks.html", {
        "user": user, "rows": rows, "events": EVENT_LABELS, "subject": delivery_subject,
        "message": request.query_params.get("message")})


@router.post("/webhooks/retry")
def webhooks_retry(user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                   delivery: Annotated[str, Form()] = "") -> RedirectResponse:
    _webhook_user(user)
    check_csrf(user, csrf)
    ids = None if delivery in ("", "all") else [int(delivery)] if delivery.isdigit() else []
    with hub.uow() as uow:
        n = dispatch.retry(uow.session, utcnow(), ids)
        uow.commit()
    return RedirectResponse(f"/office/webhooks?message=已重新排队 {n} 条推送", status_code=303)
