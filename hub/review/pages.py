"""The office's pages (Chinese, server-rendered): log in, the queue, a clue, decisions."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub import audit
from hub.accounts import service as accounts
from hub.api.deps import HubDep
from hub.correlate import service as correlation
from hub.db.types import utcnow
from hub.directory import service as directory
from hub.errors import Conflict, FieldError, Forbidden, HubError, InvalidInput, Unauthorized
from hub.intake.present import OFFICE_ZONE, clue_no, parse_clue_no
from hub.normalize.classify import FIELD_LABELS
from hub.privacy import service as privacy_service
from hub.review import repository, service
from hub.review.decisions import KINDS, STATUS_LABELS, DecisionRequest
from hub.route.service import clue_id_of, rules_in_force
from hub.search.present import mark, mark_snippet
from hub.web.actions import act, actor, error_text, require_reviewer, xlsx_download
from hub.web.actors import actor_names
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
    return value if value and value.startswith("/office") and "//" not in value else "/office/"


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
          next: Annotated[str, Form()] = "/office/") -> RedirectResponse:
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


def _filter(params, status: str | None = "pending_review") -> repository.QueueFilter:  # noqa: ANN001
    return repository.QueueFilter(
        status=status,
        channel=params.get("channel") or None, category=params.get("category") or None,
        region=params.get("region") or None, subject=params.get("subject") or None,
        q=(params.get("q") or "").strip()[:100] or None, sort=params.get("sort") or "newest",
        cluster=params.get("cluster") or ("multi" if params.get("multi") else None), rule=params.get("rule") or None)


@router.get("/queue", response_class=HTMLResponse)
def queue_page(request: Request, user: PageUser, hub: HubDep,
               cursor: str | None = None) -> HTMLResponse:
    params = request.query_params
    f = _filter(params)
    with hub.uow(write=False) as uow:
        page = repository.queue(uow.session, f, cursor)
        cap = repository.COUNT_CAP if repository.filtered(f) else None
        total = repository.count(uow.session, f, cap)
        notes = repository.notes(uow.session, [c.id for c in page.clues])
        rules = rules_in_force(uow.session)
        saved = service.saved_filters(uow.session, user, "queue")
        leads = correlation.leads_of(uow.session, [c.id for c in page.clues])
        lead_numbers = sorted({clue_no(c.id, c.received_at)
                               for c in repository.clues_by_ids(uow.session, list(set(leads.values())))})
    keep = {k: v for k, v in params.items() if k != "cursor" and v}
    return templates.TemplateResponse(request, "queue.html", {
        "user": user, "page": page, "total": total, "cap": cap, "f": f, "keep": keep, "notes": notes,
        "rules": rules, "saved": saved, "leads": lead_numbers,
        "current": service.filter_params("queue", params),
        "message": params.get("message"), "error": params.get("error")})


@router.get("/clues", response_class=HTMLResponse)
def clues_page(request: Request, user: PageUser, hub: HubDep,
               cursor: str | None = None) -> HTMLResponse:
    """Every clue, in every status: the search (ranked, words marked) and the queue's filters."""
    params = request.query_params
    status = params.get("status") or None
    f = _filter(params, status if status in STATUS_LABELS else None)
    with hub.uow(write=False) as uow:
        page = repository.queue(uow.session, f, cursor)
        total = repository.count(uow.session, f, repository.COUNT_CAP)
        notes = repository.notes(uow.session, [c.id for c in page.clues])
        rules = rules_in_force(uow.session)
    keep = {k: v for k, v in params.items() if k != "cursor" and v}
    return templates.TemplateResponse(request, "clues.html", {
        "user": user, "page": page, "total": total, "cap": repository.COUNT_CAP, "f": f,
        "keep": keep, "notes": notes, "rules": rules, "mark": mark, "mark_snippet": mark_snippet,
        "message": params.get("message"), "error": params.get("error")})


@router.get("/queue/export")
def queue_export(request: Request, user: PageUser, hub: HubDep) -> Response:
    """The queue as filtered, as .xlsx (the same filters as the page)."""
    return _export(request, user, hub, _filter(request.query_params), "queue")


@router.get("/clues/export")
def clues_export(request: Request, user: PageUser, hub: HubDep) -> Response:
    """All clues as filtered (`status` among them), as .xlsx."""
    status = request.query_params.get("status") or None
    return _export(request, user, hub,
                   _filter(request.query_params, status if status in STATUS_LABELS else None),
                   "clues")


def _export(request: Request, user, hub, f: repository.QueueFilter,  # noqa: ANN001
            scope: str) -> Response:
    service.require_exporter(user)
    stamp = utcnow().astimezone(OFFICE_ZONE).strftime("%Y%m%d-%H%M")

    def write(path: str) -> None:
        with hub.uow() as uow:
            service.export_clues(uow.session, user, f, path, via="page", scope=scope,
                                 ip=_ip(request), region_name=region_name)
            uow.commit()

    return xlsx_download(write, f"{service.FILTER_SCOPES[scope]}-{stamp}.xlsx")


@router.post("/queue/filters")
def save_filter(request: Request, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
                name: Annotated[str, Form()] = "", params: Annotated[str, Form()] = "",
                scope: Annotated[str, Form()] = "queue") -> RedirectResponse:
    """Keep the list's current filters (`params`, its query string) under a name."""
    from urllib.parse import parse_qsl

    check_csrf(user, csrf)
    typed = dict(parse_qsl(params[:2000]))
    page = "/office/clues" if scope == "clues" else "/office/queue"
    back = f"{page}?{urlencode(service.filter_params(scope, typed))}"
    return act(hub, back, lambda session: "已保存筛选条件“{}”".format(service.save_filter(
        session, user, name, typed, scope, via="page", ip=_ip(request)).name))


@router.post("/queue/filters/{filter_id}/delete")
def delete_filter(request: Request, filter_id: int, user: PageUser, hub: HubDep,
                  csrf: Annotated[str, Form()]) -> RedirectResponse:
    check_csrf(user, csrf)
    return act(hub, "/office/queue", lambda session: "已删除筛选条件“{}”".format(
        service.delete_filter(session, user, filter_id, via="page", ip=_ip(request))))


@router.post("/clues/{number}/merge")
def merge_one(request: Request, number: str, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], into: Annotated[str, Form()] = "",
              back: Annotated[str, Form()] = "") -> RedirectResponse:
    """Merge this clue as a duplicate into `into` (from the clue's cluster panel)."""
    check_csrf(user, csrf)
    decision = DecisionRequest("merge", into)
    return _decide(hub, user, [_clue_id(number)], decision,
                   _safe_next(back or f"/office/clues/{number}"), _ip(request))


@router.get("/clues/{number}", response_class=HTMLResponse)
def clue_page(request: Request, number: str, user: PageUser, hub: HubDep) -> HTMLResponse:
    params = request.query_params
    return _clue(request, number, user, hub, message=params.get("message"),
                 error=params.get("error"))


def _clue(request: Request, number: str, user, hub, *, form: dict | None = None,  # noqa: ANN001
          message: str | None = None, error: str | None = None,
          status_code: int = 200) -> HTMLResponse:
    """A clue's page; `form`: what was typed into the decision form (kept after an error),
    else the form as the routing proposal fills it."""
    parsed = parse_clue_no(number)
    params = request.query_params
    with hub.uow() as uow:
        view = service.clue_view(uow.session, hub.cipher, parsed[1] if parsed else -1)
        cluster = correlation.panel(uow.session, clue_id=view.clue.id, region_name=region_name)
        picking = _picker_search(uow.session, view.clue, params)
        privacy = privacy_service.panel(uow.session, view.clue, user, utcnow())
        proposed = service.decision_form(uow.session, view, hub.settings)
        merged = service.merged_view(uow.session, view.clue.id)
        duplicates = service.duplicates_pending(uow.session, view.clue.id)
        merge_options = service.merge_suggestions(uow.session, view.clue.id)
        waiting = repository.pending_proposals(uow.session, [view.clue.id])
        owner = repository.owner_of(uow.session, view.clue.id)
        names = repository.user_names(uow.session)
        ids = {u.id: u for u in repository.reviewers(uow.session)}
        people = accounts_names(uow.session)
        actors = actor_names(uow.session)
        audit.record(uow.session, actor=audit.user_actor(user), action="clue.viewed",
                     target=f"clue:{view.clue.id}", via="page", ip=_ip(request),
                     after={"raw_record": view.raw.id, "shown": "masked"})
        uow.commit()
    return templates.TemplateResponse(request, "clue.html", {
        "user": user, "v": view, "cluster": cluster, "picking": picking, "privacy": privacy,
        "subjects": directory.subject_rows(view.clue.subjects),
        "form": {**proposed, **(form or {})}, "proposed": proposed,
        "waiting": waiting, "owner": people.get(owner.user_id) if owner else None,
        "names": names, "people": people, "actors": actors, "reviewers": list(ids.values()),
        "approval_kinds": hub.settings.decision_approval_kinds,
        "merged": merged, "duplicates": duplicates, "merge_options": merge_options,
        "cluster_lead": next((clue_no(m.clue.id, m.clue.received_at) for m in cluster.members
                              if m.is_lead), None) if cluster else None,
        "message": message, "error": error}, status_code=status_code)


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
               share_reporter: Annotated[bool, Form()] = False, into: Annotated[str, Form()] = "",
               with_duplicates: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    parsed = parse_clue_no(number)
    back = f"/office/clues/{number}"
    co = tuple(re.split(r"[；;\n]", co_handlers))
    typed = {"kind": kind, "target": target, "reason": reason, "co_handlers": co_handlers,
             "instructions": instructions, "reply_days": reply_days,
             "complete_days": complete_days, "share_reporter": share_reporter, "into": into,
             "with_duplicates": with_duplicates}
    try:
        days = {name: _days(value, name) for name, value in
                (("reply_days", reply_days), ("complete_days", complete_days))}
        decision = DecisionRequest(kind, into if kind == "merge" else target, reason,
                                   co_handlers=co, instructions=instructions,
                                   share_reporter=share_reporter,
                                   with_duplicates=with_duplicates and kind != "merge", **days)
        with hub.uow() as uow:
            message = service.decide_or_propose(
                uow.session, user, [parsed[1] if parsed else -1], decision, via="page",
                cipher=hub.cipher, settings=hub.settings, ip=_ip(request))
            uow.commit()
    except (InvalidInput, Conflict) as exc:  # the form again, as typed, with the reason
        return _clue(request, number, user, hub, form=typed, error=error_text(exc),
                     status_code=exc.status_code)
    return _with(back, message=message)


def _days(value: str, name: str = "reply_days") -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit():
        raise InvalidInput([FieldError([name], "期限应填写工作日天数（整数），如 5")])
    return int(value)


@router.post("/queue/decide")
async def decide_many(request: Request, user: PageUser, hub: HubDep) -> RedirectResponse:
    form = await request.form()
    check_csrf(user, form.get("csrf"))
    ids = [int(v) for v in form.getlist("clue") if str(v).isdigit()]
    back = "/office/queue" + (f"?{form.get('back')}" if form.get("back") else "")
    if not ids:
        return _with(back, error="请先勾选线索")
    kind = str(form.get("kind", ""))
    target = str(form.get("into" if kind == "merge" else "target", "") or "")
    request_ = DecisionRequest(kind, target, str(form.get("reason", "")))
    return _decide(hub, user, ids, request_, back, _ip(request))


def _decide(hub, user, ids: list[int], request: DecisionRequest, back: str,  # noqa: ANN001
            ip: str | None = None) -> RedirectResponse:
    try:
        with hub.uow() as uow:
            message = service.decide_or_propose(uow.session, user, ids, request, via="page",
                                                cipher=hub.cipher, settings=hub.settings, ip=ip)
            uow.commit()
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return _with(back, error=detail)
    return _with(back, message=message)


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


def accounts_names(session) -> dict[int, str]:  # noqa: ANN001
    """user id → display name."""
    return {u.id: u.display_name for u in repository.all_users(session)}


register_event_labels({
    "decision.proposed": "提出决定，待科长审批", "decision.approved": "科长批准决定",
    "decision.returned": "科长退回决定", "owner.assigned": "分配承办人", "owner.taken": "承办",
    "note": "内部备注", "handoff_owner.assigned": "分配移交承办人",
    "handoff_owner.taken": "承办移交",
    "merge.absorbed": "并入重复线索",
})


def handoff_owner(request: Request, handoff) -> service.HandoffOwnerView:  # noqa: ANN001
    """For a hand-off's page (hub.handoffs knows nothing of owners): its 承办人 and whom a
    section head may assign."""
    with request.app.state.hub.uow(write=False) as uow:
        return service.handoff_owner_view(uow.session, handoff.id, handoff.clue_id)


register_globals(handoff_owner=handoff_owner)


@router.post("/handoffs/{number}/owner")
def set_handoff_owner(request: Request, number: str, user: PageUser, hub: HubDep,
                      csrf: Annotated[str, Form()],
                      owner: Annotated[str, Form()] = "") -> RedirectResponse:
    """A section head assigns the hand-off (承办人); a reviewer takes it."""
    check_csrf(user, csrf)
    target = int(owner) if owner.isdigit() else None
    return act(hub, f"/office/handoffs/{number}", lambda session: "移交承办人：" + (
        service.assign_handoff_owner(session, user, number, target, "page", ip=_ip(request))))


def _clue_id(number: str) -> int:
    parsed = parse_clue_no(number)
    return parsed[1] if parsed else -1


@router.post("/clues/{number}/owner")
def set_owner(request: Request, number: str, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], owner: Annotated[str, Form()] = "") -> RedirectResponse:
    """A section head assigns the clue (承办人); a reviewer takes it (owner empty or "me")."""
    check_csrf(user, csrf)
    target = int(owner) if owner.isdigit() else None
    return act(hub, f"/office/clues/{number}", lambda session: "承办人：" + service.assign_owner(
        session, user, _clue_id(number), target, "page", ip=_ip(request)))


@router.post("/clues/{number}/notes")
def add_note(request: Request, number: str, user: PageUser, hub: HubDep,
             csrf: Annotated[str, Form()], note: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)

    def run(session) -> str:  # noqa: ANN001
        service.add_note(session, user, _clue_id(number), note, "page", ip=_ip(request))
        return "内部备注已记入处理记录（仅办公室可见）"
    return act(hub, f"/office/clues/{number}", run)


@router.post("/approvals/{proposal_id}/approve")
def approve(request: Request, proposal_id: int, user: PageUser, hub: HubDep,
            csrf: Annotated[str, Form()], back: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)

    def run(session) -> str:  # noqa: ANN001
        made = service.approve(session, user, proposal_id, "page", cipher=hub.cipher,
                               settings=hub.settings, ip=_ip(request))
        return f"已批准：{service.KIND_LABELS[made.kind]}"
    return act(hub, _safe_next(back or "/office/approvals"), run)


@router.post("/approvals/{proposal_id}/return")
def send_back(request: Request, proposal_id: int, user: PageUser, hub: HubDep,
              csrf: Annotated[str, Form()], note: Annotated[str, Form()] = "",
              back: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)

    def run(session) -> str:  # noqa: ANN001
        service.send_back(session, user, proposal_id, note, "page", ip=_ip(request))
        return "已退回，线索仍为待研判"
    return act(hub, _safe_next(back or "/office/approvals"), run)


@router.get("/approvals", response_class=HTMLResponse)
def approvals_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    """Decisions waiting for a section head (科长审批)."""
    if not user.can_review:
        raise Forbidden("只有科员、科长和领导可以查看待审批的决定")
    with hub.uow(write=False) as uow:
        waiting = repository.pending_proposals(uow.session)
        clues = {c.id: c for c in repository.clues_by_ids(uow.session,
                                                         [p.clue_id for p in waiting])}
        people = accounts_names(uow.session)
    return templates.TemplateResponse(request, "approvals.html", {
        "user": user, "waiting": waiting, "clues": clues, "people": people,
        "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})


@router.get("/mine", response_class=HTMLResponse)
def mine_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    """我的待办: the clues I own waiting for review, the hand-offs I follow waiting on the
    office (a final reply to verify, a hand-off returned), approvals waiting on me."""
    with hub.uow(write=False) as uow:
        work = service.my_work(uow.session, user)
    return templates.TemplateResponse(request, "mine.html", {
        "user": user, "w": work, "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})
