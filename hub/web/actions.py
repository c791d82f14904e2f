"""What the office's page actions share: who may act, the message after, the way back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse

from hub.accounts.service import OfficePrincipal
from hub.errors import Forbidden, HubError, InvalidInput


def redirect_with(url: str, **params: str) -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode(params)}", status_code=303)


def error_text(exc: HubError) -> str:
    if isinstance(exc, InvalidInput):
        return "；".join(e.msg for e in exc.errors) or exc.message
    return exc.message


def actor(user: OfficePrincipal) -> str:
    """How history names an office user (as decisions do)."""
    return f"user:{user.username}"


def require_reviewer(user: OfficePrincipal) -> None:
    if not user.can_review:
        raise Forbidden("只有科员、科长和领导可以研判线索")


def require_admin(user: OfficePrincipal) -> None:
    if user.role != "admin":
        raise Forbidden("只有管理员可以维护分办规则和单位名录")


def act(hub: Any, back: str, action: Callable[[Any], str]) -> RedirectResponse:
    """Run `action(session)` in one unit of work; back to `back` with its message or error."""
    try:
        with hub.uow() as uow:
            message = action(uow.session)
            uow.commit()
    except HubError as exc:
        return redirect_with(back, error=error_text(exc))
    return redirect_with(back, message=message)


def xlsx_download(write: Callable[[Any], Any], filename: str) -> Any:
    """An .xlsx written by `write(path)` into a temporary file, sent as a download and removed
    once sent (the workbook is never held in memory whole)."""
    import os
    import tempfile

    from starlette.background import BackgroundTask
    from starlette.responses import FileResponse

    handle, path = tempfile.mkstemp(prefix="hub-export-", suffix=".xlsx")
    os.close(handle)
    try:
        write(path)
    except BaseException:
        os.unlink(path)
        raise
    return FileResponse(
        path, filename=filename, background=BackgroundTask(os.unlink, path),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
