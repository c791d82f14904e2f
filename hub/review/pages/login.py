"""Logging in and out of the office."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub.accounts import service as accounts
from hub.api.deps import HubDep
from hub.errors import Unauthorized
from hub.review.pages.common import client_ip, safe_next
from hub.web.session import SESSION_COOKIE, PageUser, check_csrf, cookie_secure
from hub.web.templating import templates

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "hub_login_csrf"

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(16)
    response = templates.TemplateResponse(request, "login.html", {
        "next": safe_next(next), "error": error, "csrf": token})
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
            token, _ = accounts.login(uow.session, username.strip(), password, client_ip(request),
                                      via="page")
            uow.commit()
    except Unauthorized as exc:
        accounts.record_failed_login(hub, username.strip(), client_ip(request), via="page")
        return _back_to_login(next, exc.message)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=cookie_secure(request), max_age=accounts.SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF, path="/office/login")
    return response


def _back_to_login(next_url: str, error: str) -> RedirectResponse:
    query = urlencode({"next": safe_next(next_url), "error": error})
    return RedirectResponse(f"/office/login?{query}", status_code=303)


@router.post("/logout")
def logout(request: Request, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
           everywhere: Annotated[bool, Form()] = False) -> RedirectResponse:
    check_csrf(user, csrf)
    with hub.uow() as uow:
        if everywhere:
            accounts.logout_everywhere(uow.session, user.user_id, via="page", ip=client_ip(request))
        else:
            accounts.logout(uow.session, user.session_id, user_id=user.user_id, via="page",
                            ip=client_ip(request))
        uow.commit()
    response = RedirectResponse("/office/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
