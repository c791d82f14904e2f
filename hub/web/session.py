"""Who is on a page: the logged-in office user, CSRF, the redirect to login, the refusal page."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from hub.accounts.service import OfficePrincipal, principal
from hub.db.types import utcnow
from hub.errors import Forbidden, Unauthorized
from hub.web.templating import templates

SESSION_COOKIE = "hub_session"


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


def login_url(next_url: str) -> str:
    return f"/office/login?next={quote(next_url)}"


def cookie_secure(request: Request) -> bool:
    settings = request.app.state.hub.settings
    return request.url.scheme == "https" or settings.environment != "development"
