"""The office's calendar page: a month of working days, the administrators' overrides."""

from __future__ import annotations

import calendar as monthly
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from hub import audit
from hub.api.deps import HubDep
from hub.calendar import service
from hub.errors import Forbidden, HubError
from hub.web.session import PageUser, check_csrf
from hub.web.templating import add_template_folder, templates
from hub.workdays import shanghai_today

router = APIRouter(prefix="/office/calendar", include_in_schema=False)
add_template_folder(Path(__file__).resolve().parent / "templates")


def _month(value: str | None) -> date:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return shanghai_today().replace(day=1)


@router.get("", response_class=HTMLResponse)
def calendar_page(request: Request, user: PageUser, hub: HubDep,
                  month: str | None = None) -> HTMLResponse:
    first = _month(month)
    with hub.uow(write=False) as uow:
        cal = service.load_calendar(uow.session)
        overrides = service.list_overrides(uow.session, first.year)
    weeks = [[(d, cal.info(d)) for d in week]
             for week in monthly.Calendar().monthdatescalendar(first.year, first.month)]
    prev = (first.replace(day=1) - date.resolution).replace(day=1)
    nxt = (first.replace(day=28) + 4 * date.resolution).replace(day=1)
    unknown = service.unknown_years_ahead(cal) + (
        [first.year] if cal.year_status(first.year) == "unknown" else [])
    return templates.TemplateResponse(request, "calendar.html", {
        "user": user, "first": first, "weeks": weeks, "overrides": overrides, "prev": prev,
        "next": nxt, "status": cal.year_status(first.year),
        "warning": service.coverage_message(sorted(set(unknown))),
        "can_edit": user.role == "admin", "message": request.query_params.get("message"),
        "error": request.query_params.get("error")})


@router.post("/days")
def change_day(request: Request, user: PageUser, hub: HubDep, csrf: Annotated[str, Form()],
               day: Annotated[str, Form()], op: Annotated[str, Form()] = "set",
               kind: Annotated[str, Form()] = "holiday",
               note: Annotated[str, Form()] = "") -> RedirectResponse:
    check_csrf(user, csrf)
    back = f"/office/calendar?month={day[:7]}"
    try:
        if user.role != "admin":
            raise Forbidden("只有管理员可以调整工作日历")
        the_day = date.fromisoformat(day)
        with hub.uow() as uow:
            if op == "remove":
                service.remove_day(uow.session, the_day)
            elif op == "year":
                service.mark_year(uow.session, the_day.year, by=f"user:{user.username}")
            else:
                service.set_day(uow.session, the_day, kind, note=note, by=f"user:{user.username}")
            audit.record(uow.session, actor=audit.user_actor(user), action=f"calendar.{op}",
                         target=f"calendar:{the_day.isoformat()}", via="page",
                         ip=request.client.host if request.client else None,
                         after={"kind": kind, "note": note} if op == "set" else None)
            uow.commit()
    except ValueError:
        return _with(back or "/office/calendar", error="日期格式不对，应为 2027-01-01 这样的年-月-日")
    except HubError as exc:
        detail = "；".join(e.msg for e in getattr(exc, "errors", [])) or exc.message
        return _with(back, error=detail)
    done = {"remove": f"已删除 {day} 的调整", "year": f"已将 {day[:4]} 年标记为节假日已录入"}
    return _with(back, message=done.get(op, f"已录入 {day}：{service.KIND_LABELS.get(kind, kind)}"))


def _with(url: str, **params: str) -> RedirectResponse:
    from urllib.parse import urlencode

    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}{urlencode(params)}", status_code=303)
