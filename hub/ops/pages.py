"""The auditor's page (审计记录): the trail, filtered, with the chain's verification: quick
on every load (the newest signed head and what follows it), the whole chain on request."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from hub.accounts import repository as accounts
from hub.api.deps import HubDep
from hub.audit.service import TrailFilter, entries, verify_recent, verify_trail
from hub.errors import Forbidden
from hub.ops import repository
from hub.web.actors import actor_names
from hub.web.session import PageUser
from hub.web.templating import add_template_folder, register_filters, templates

router = APIRouter(prefix="/office", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")
OFFICE_ZONE = ZoneInfo("Asia/Shanghai")
AUDIT_ROLES = frozenset({"auditor"})
PAGE_SIZE = 100
ACTION_LABELS = {
    "login": "登录", "login.failed": "登录失败", "logout": "退出", "logout.everywhere": "全部退出",
    "clue.viewed": "查看线索（个人信息已遮蔽）", "reporter.reveal_requested": "申请查看反映人身份",
    "reporter.reveal_approved": "批准查看反映人身份", "reporter.reveal_refused": "不批准查看反映人身份",
    "reporter.revealed": "查看反映人身份", "legal_hold.set": "设置法律保留",
    "legal_hold.released": "解除法律保留", "retention.purged": "按保存期限清除",
    "agency.added": "登记协作单位", "agency.key_rotated": "更换 API 密钥",
    "agency.key_revoked": "吊销 API 密钥", "user.added": "创建用户", "rules.saved": "保存分办规则",
    "rules.activated": "启用分办规则版本", "directory.imported": "导入单位名录",
    "connector.configured": "修改连接器设置", "calendar.set": "录入节假日调整",
    "calendar.remove": "删除节假日调整", "calendar.year": "标记年度节假日已录入",
    "calendar.imported": "导入年度节假日安排", "keys.rotated": "轮换主密钥", "keys.retired": "停用主密钥",
}


def _audit_action(action: str) -> str:
    return ACTION_LABELS.get(action) or (
        f"作出决定：{action.split('.', 1)[1]}" if action.startswith("decision.") else action)


register_filters(audit_action=_audit_action)


def _day(value: str | None, plus: int = 0) -> datetime | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return datetime.combine(day + timedelta(days=plus), time(), OFFICE_ZONE) if day else None


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, user: PageUser, hub: HubDep) -> HTMLResponse:
    if user.role not in AUDIT_ROLES:
        raise Forbidden("只有审计人员可以查看审计记录")
    q = request.query_params
    f = TrailFilter(actor=q.get("actor") or None, action=q.get("action") or None,
                    since=_day(q.get("since")), until=_day(q.get("until"), plus=1))
    before = int(q["before"]) if q.get("before", "").isdigit() else None
    verify = verify_trail if q.get("verify") == "full" else verify_recent
    with hub.uow(write=False) as uow:
        rows = entries(uow.session, f, before, PAGE_SIZE + 1)
        verdict = verify(uow.session, hub.signing_key)
        shown = rows[:PAGE_SIZE]
        actors = actor_names(uow.session)
        targets = _target_names(uow.session, shown, actors)
        people = [(f"user:{u.id}", u.display_name) for u in accounts.users(uow.session)]
        partners = sorted((key, name) for key, name in actors.items()
                          if key.startswith("agency:"))
    keep = {k: v for k, v in q.items() if k not in ("before", "verify") and v}
    return templates.TemplateResponse(request, "audit.html", {
        "user": user, "rows": shown, "more": len(rows) > PAGE_SIZE, "f": q,
        "keep": keep, "verdict": verdict, "actors": actors, "targets": targets,
        "choices": [("system", "系统"), *people, *partners], "actions": ACTION_LABELS})


TARGET_KINDS = {"clue": "线索", "handoff": "移交", "user": "用户", "agency": "协作单位",
                "api_key": "API 密钥", "calendar": "工作日历", "connector": "连接器",
                "dead_letter": "死信", "document_template": "文书模板", "raw_record": "原始记录",
                "rule_set": "分办规则"}


def _target_names(session, rows, actors: dict[str, str]) -> dict[int, tuple[str, str | None]]:  # noqa: ANN001
    """Each entry's target as a person reads it: (text, link or None)."""
    def ids(kind: str) -> set[int]:
        return {int(e.target_id) for e in rows if e.target_kind == kind
                and (e.target_id or "").isdigit()}

    clues = repository.clue_numbers(session, ids("clue"))
    handoffs = repository.handoff_numbers(session, ids("handoff"))
    out = {}
    for e in rows:
        kind, ident = e.target_kind, e.target_id or ""
        label = TARGET_KINDS.get(kind, kind or "")
        if kind == "clue" and ident.isdigit() and int(ident) in clues:
            out[e.seq] = (f"线索 {clues[int(ident)]}", f"/office/clues/{clues[int(ident)]}")
        elif kind == "handoff" and ident.isdigit() and int(ident) in handoffs:
            number = handoffs[int(ident)]
            out[e.seq] = (f"移交 {number}", f"/office/handoffs/{number}")
        elif kind in ("user", "agency") and f"{kind}:{ident}" in actors:
            out[e.seq] = (f"{label} {actors[f'{kind}:{ident}']}", None)
        elif kind:
            out[e.seq] = (f"{label} {ident}".strip(), None)
    return out
