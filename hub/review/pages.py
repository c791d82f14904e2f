"""The office's pages (Chinese, server-rendered): log in, the queue, a clue, decisions."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub import audit
from hub.accounts import service as accounts
from hub.api.deps import HubDep
from hub.correlate import service as correlation
from hub.db.types import utcnow
from hub.directory import service as directory
from hub.errors import FieldError, HubError, InvalidInput, Unauthorized
from hub.intake.present import clue_no, parse_clue_no
from hub.normalize.classify import FIELD_LABELS
from hub.privacy import service as privacy_service
from hub.review import repository, service
from hub.review.decisions import KINDS, STATUS_LABELS, DecisionRequest
from hub.route.service import clue_id_of, rules_in_force
from hub.web.actions import act, actor, require_reviewer
from hub.web.session import SESSION_COOKIE, PageUser, check_csrf, cookie_secure
from hub.web.templating import (
    add_template_folder,
    region_name,
    register_event_labels,
    register_globals,
    templates,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

router = APIRouter(prefix="/office", include_in_schema=False)

add_template_folder(Path(__file__).resolve().parent / "templates")
register_globals(FIELDS=FIELD_LABELS, STATUSES=STATUS_LABELS, clue_no=clue_no,
                 KINDS={k: label for k, (label, _) in KINDS.items()})
# A clue's timeline: the pipeline's stages, then the office's decisions.
register_event_labels({
    "normalized": "规范化完成", "normalize_failed": "规范化失败", "correlated": "完成相似线索关联",
    "routed": "规则提出处置建议", "correlate_failed": "相似线索关联失败",
    **{f"decision.{kind}": f"作出决定：{label}" for kind, (label, _) in KINDS.items()},
    "closed": "线索办结", "reopened": "回头看：线索重新打开",
    # the clue's cluster, changed from the clue page's panel (hub.correlate)
    "cluster_merged": "线索组合并", "cluster_detached": "移出线索组", "cluster_dissolved": "线索组解散",
    "cluster_split": "拆分为新线索组", "cluster_attached": "加入线索组", "cluster_lead_set": "设为主线索",
})
LOGIN_CSRF = "hub_login_csrf"


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/office") and "//" not in value else "/office/queue"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(16)
    response = templates.TemplateResponse(request, "login.html", {
        "next": _safe_next(next), "error": error, "csrf": token})
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=cookie_secure(request), path="/office/login")
    return response


@router.post("/login")
def login(request: Request, hub: HubDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()], csrf: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/office/queue") -> RedirectResponse:
    if not secrets.compare_digest(csrf, request.cookies.get(LOGIN_CSRF, "")):
        return _back_to_login(next, "页面已过期，请重新登录")
    try:
        with hub.uow() as uow:
            token, _ = accounts.login(uow.session, username.strip(), password, _ip(request),
                                      via="page")
            uow.commit()
    except Unauthorized as exc:
        accounts.record_failed_login(hub, username.strip(), _ip(request), via="page")
        return _back_to_login(next, exc.message)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=cookie_secure(request), max_age=accounts.SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF, path="/office/login")
    return response


def _back_to_login(next_url: str, error: str) -> RedirectResponse:
    from urllib.parse import urlencode

    query = urlencode({"next": _safe_next(next_url), "error": error})
    return RedirectResponse(f"/office/login?{query}", status_code=303)


@router.post("/logout")
def logout(request: Request, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
           everywhere: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    with hub.uow() as uow:
        if everywhere:
            accounts.logout_everywhere(uow.session, user.user_id, via="page", ip=_ip(request))
        else:
            accounts.logout(uow.session, user.session_id, user_id=user.user_id, via="page",
                            ip=_ip(request))
        uow.commit()
    response = RedirectResponse("/office/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("", include_in_schema=False)
@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/office/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, user: PageUser, hub: HubDep,
               cursor: str | None = None) -> HTMLResponse:
    params = request.query_params
    f = repository.QueueFilter(
        channel=params.get("channel") or None, category=params.get("category") or None,
        region=params.get("region") or None, subject=params.get("subject") or None,
        q=params.get("q") or None, sort=params.get("sort") or "newest",
        cluster=params.get("cluster") or ("multi" if params.get("multi") else None), rule=params.get("rule") or None)
    with hub.uow(write=False) as uow:
        page = repository.queue(uow.session, f, cursor)
        cap = repository.COUNT_CAP if repository.filtered(f) else None
        total = repository.count(uow.session, f, cap)
        notes = repository.notes(uow.session, [c.id for c in page.clues])
        rules = rules_in_force(uow.session)
    keep = {k: v for k, v in params.items() if k != "cursor" and v}
    return templates.TemplateResponse(request, "queue.html", {
        "user": user, "page": page, "total": total, "cap": cap, "f": f, "keep": keep, "notes": notes,
        "rules": rules,
        "message": params.get("message"), "error": params.get("error")})


@router.get("/clues/{number}", response_class=HTMLResponse)
def clue_page(request: Request, number: str, user: PageUser, hub: HubDep) -> HTMLResponse:
    parsed = parse_clue_no(number)
    params = request.query_params
    with hub.uow() as uow:
        view = service.clue_view(uow.session, hub.cipher, parsed[1] if parsed else -1)
        cluster = correlation.panel(uow.session, clue_id=view.clue.id, region_name=region_name)
        picking = _picker_search(uow.session, view.clue, params)
        privacy = privacy_service.panel(uow.session, view.clue, user, utcnow())
        audit.record(uow.session, actor=audit.user_actor(user), action="clue.viewed",
                     target=f"clue:{view.clue.id}", via="page", ip=_ip(request),
                     after={"raw_record": view.raw.id, "shown": "masked"})
        uow.commit()
    return templates.TemplateResponse(request, "clue.html", {
        "user": user, "v": view, "cluster": cluster, "picking": picking, "privacy": privacy,
        "subjects": directory.subject_rows(view.clue.subjects),
        "message": params.get("message"), "error": params.get("error")})


def _picker_search(session, clue, params) -> dict | None:  # noqa: ANN001
    """Search results for the subject picker (`?pick=INDEX&body_q=WORDS`), or None."""
    pick, words = params.get("pick", ""), (params.get("body_q") or "").strip()
    if not pick.isdigit() or not words:
        return None
    found = directory.search(session, words, clue.region_code, limit=15)
    return {"index": int(pick), "q": words, "bodies": found}


@router.post("/clues/{number}/decide")
def decide_one(request: Request, number: str, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
               kind: Annotated[str, Form()], target: Annotated[str, Form()] = "",
               reason: Annotated[str, Form()] = "", co_handlers: Annotated[str, Form()] = "",
               instructions: Annotated[str, Form()] = "",
               reply_days: Annotated[str, Form()] = "", complete_days: Annotated[str, Form()] = "",
               share_reporter: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    parsed = parse_clue_no(number)
    back = f"/office/clues/{number}"
    co = tuple(re.split(r"[；;\n]", co_handlers))
    decision = DecisionRequest(kind, target, reason, co_handlers=co, instructions=instructions,
                               reply_days=_days(reply_days), complete_days=_days(complete_days),
                               share_reporter=share_reporter)
    return _decide(hub, user, [parsed[1] if parsed else -1], decision, back, _ip(request))


def _days(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


@router.post("/queue/decide")
async def decide_many(request: Request, user: PageUser, hub: HubDep) -> RedirectResponse:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    ids = [int(v) for v in form.getlist("clue") if str(v).isdigit()]
    back = "/office/queue" + (f"?{form.get('back')}" if form.get("back") else "")
    if not ids:
        return _with(back, error="请先勾选线索")
    request_ = DecisionRequest(str(form.get("kind", "")), str(form.get("target", "")),
                               str(form.get("reason", "")))
    return _decide(hub, user, ids, request_, back, _ip(request))


def _decide(hub, user, ids: list[int], request: DecisionRequest, back: str,  # noqa: ANN001
            ip: str | None = None) -> RedirectResponse:
    try:
        with hub.uow() as uow:
            made = service.decide(uow.session, user, ids, request, via="page", cipher=hub.cipher,
                                  settings=hub.settings, ip=ip)
            uow.commit()
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return _with(back, error=detail)
    label = service.KIND_LABELS[request.kind]
    return _with(back, message=f"已对 {len(made)} 条线索作出决定：{label}")


def _with(url: str, **params: str) -> RedirectResponse:
    from urllib.parse import urlencode

    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode(params)}", status_code=303)


@router.post("/clues/{number}/subjects/{index}")
def pick_page(number: str, index: int, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], body_id: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    require_reviewer(user)

    def run(session: Session) -> str:
        if not body_id.isdigit():
            raise InvalidInput([FieldError(["body_id"], "请选择名录中的单位")])
        made = directory.set_subject(session, clue_id_of(session, number), index, int(body_id),
                                     actor(user), now=utcnow())
        return f"第 {index + 1} 个被反映单位已确定为“{made['resolved_name']}”"

    return act(hub, f"/office/clues/{number}", run)
