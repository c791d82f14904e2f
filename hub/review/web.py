"""What the office's pages share: templates, the logged-in user, CSRF, redirects to login."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from hub.accounts.service import ROLES, OfficePrincipal, principal
from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.db.types import utcnow
from hub.errors import Forbidden, Unauthorized
from hub.handoffs.states import ACTION_LABELS as HANDOFF_ACTION_LABELS
from hub.intake.present import clue_no
from hub.normalize.classify import FIELD_LABELS
from hub.normalize.codes import load_divisions
from hub.review.decisions import KINDS, STATUS_LABELS

SESSION_COOKIE = "hub_session"
HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(
    CHANNELS=CHANNEL_LABELS, CATEGORIES=CATEGORY_LABELS, FIELDS=FIELD_LABELS, STATUSES=STATUS_LABELS,
    KINDS={k: label for k, (label, _) in KINDS.items()}, ROLES=ROLES, clue_no=clue_no,
)


def add_template_folder(folder: Path) -> None:
    """Another domain's templates join the office pages' loader (they extend base.html).
    A name another folder already has is refused: the loader would serve the first silently."""
    loaders = [templates.env.loader]
    if isinstance(templates.env.loader, ChoiceLoader):
        loaders = list(templates.env.loader.loaders)
    if any(isinstance(x, FileSystemLoader) and str(folder) in x.searchpath for x in loaders):
        return
    added = FileSystemLoader(str(folder))
    taken = set(added.list_templates()) & set(templates.env.list_templates())
    if taken:
        raise RuntimeError(f"{folder}: template names already used by another folder: "
                           f"{', '.join(sorted(taken))}")
    templates.env.loader = ChoiceLoader([*loaders, added])


def region_name(code: str | None) -> str:
    if not code:
        return "—"
    return load_divisions().full_name(code) or code


def _local(when) -> str:  # noqa: ANN001
    from zoneinfo import ZoneInfo

    return when.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M") if when else "—"


def _pretty_json(value) -> str:  # noqa: ANN001
    import json

    return json.dumps(value, ensure_ascii=False, indent=2)


EVENT_LABELS = {
    "normalized": "规范化完成", "normalize_failed": "规范化失败", "correlated": "完成相似线索关联",
    "routed": "规则提出处置建议", "correlate_failed": "相似线索关联失败",
    "cluster_merged": "线索组合并", "cluster_detached": "移出线索组", "cluster_dissolved": "线索组解散",
    "cluster_split": "拆分为新线索组", "cluster_attached": "加入线索组", "cluster_lead_set": "设为主线索",
    "subject_set": "指定被反映单位",
    "reporter.reveal_requested": "申请查看反映人身份", "reporter.reveal_approved": "批准查看反映人身份",
    "reporter.reveal_refused": "不批准查看反映人身份", "reporter.revealed": "查看了反映人身份",
    "legal_hold.set": "设置法律保留", "legal_hold.released": "解除法律保留",
    "retention.purged": "按保存期限清除个人信息",
    **{f"decision.{kind}": f"作出决定：{label}" for kind, (label, _) in KINDS.items()},
    **{f"handoff.{action}": f"移交：{label}" for action, label in HANDOFF_ACTION_LABELS.items()},
    "closed": "线索办结", "reopened": "回头看：线索重新打开",
}


def _event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action)


templates.env.filters.update(region=region_name, local=_local, pretty_json=_pretty_json,
                             event_label=_event_label)


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def page_user(request: Request) -> OfficePrincipal:
    """The logged-in office user, or a redirect to the login page."""
    hub = request.app.state.hub
    with hub.uow(write=False) as uow:
        try:
            return principal(uow.session, request.cookies.get(SESSION_COOKIE), utcnow())
        except Unauthorized:
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query
                                                    else "")) from None


def api_user(request: Request) -> OfficePrincipal:
    hub = request.app.state.hub
    with hub.uow(write=False) as uow:
        return principal(uow.session, request.cookies.get(SESSION_COOKIE), utcnow())


PageUser = Annotated[OfficePrincipal, Depends(page_user)]
ApiUser = Annotated[OfficePrincipal, Depends(api_user)]


def check_csrf(user: OfficePrincipal, token: str | None) -> None:
    import hmac

    if not token or not hmac.compare_digest(token, user.csrf_token):
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def refusal_page(request: Request, exc: Forbidden) -> HTMLResponse:
    """A page's 403: the refusal in plain words inside the office layout, with the menu of
    whoever is logged in (none when the session is gone)."""
    with request.app.state.hub.uow(write=False) as uow:
        try:
            user = principal(uow.session, request.cookies.get(SESSION_COOKIE), utcnow())
        except Unauthorized:
            user = None
    return templates.TemplateResponse(request, "forbidden.html",
                                      {"user": user, "reason": exc.message}, status_code=403)


ERROR_HEADINGS = {404: "没有找到", 409: "无法办理", 422: "填写有误", 400: "请求有误",
                  405: "无法办理", 413: "内容太大", 429: "操作太频繁"}


def error_page(request: Request, status: int, reason: str) -> HTMLResponse:
    """A browser's error inside the office layout, in Chinese (never raw JSON)."""
    with request.app.state.hub.uow(write=False) as uow:
        try:
            user = principal(uow.session, request.cookies.get(SESSION_COOKIE), utcnow())
        except Unauthorized:
            user = None
    heading = ERROR_HEADINGS.get(status, "出错了")
    return templates.TemplateResponse(request, "error.html", {
        "user": user, "reason": reason, "heading": heading}, status_code=status)


def login_url(next_url: str) -> str:
    return f"/office/login?next={quote(next_url)}"


def cookie_secure(request: Request) -> bool:
    settings = request.app.state.hub.settings
    return request.url.scheme == "https" or settings.environment != "development"
