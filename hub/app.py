"""The FastAPI application: every domain's routers assembled (`create_app`), and the ASGI
entry point `hub run` gives uvicorn (`app_factory`, imported in each worker process)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub import log
from hub.admin.pages import router as admin_pages_router
from hub.agencies.auth import AgencyGuard
from hub.api import bodies, collector, errors, openapi
from hub.api.responses import JSONResponse
from hub.api.security_headers import SecurityHeaders
from hub.archive.pages import router as archive_pages_router
from hub.calendar.pages import router as calendar_pages_router
from hub.collect.endpoints import router as collect_router
from hub.container import Hub
from hub.contract.v1 import BatchSubmission, ClueSubmission
from hub.correlate.endpoints import router as correlate_router
from hub.correlate.pages import router as correlate_pages_router
from hub.db.engine import warm_engine
from hub.directory.endpoints import router as directory_router
from hub.directory.pages import router as directory_pages_router
from hub.documents.endpoints import router as documents_router
from hub.documents.pages import router as documents_pages_router
from hub.errors import Forbidden, HubError
from hub.followups.endpoints import router as followups_router
from hub.followups.pages import router as followups_pages_router
from hub.handoffs.endpoints import office_router as handoffs_office_router
from hub.handoffs.endpoints import router as handoffs_router
from hub.handoffs.pages import router as handoffs_pages_router
from hub.intake import service
from hub.intake.endpoints import router as intake_router
from hub.intake.pages import router as intake_pages_router
from hub.intake.recorder import GroupWriter
from hub.meetings.endpoints import router as meetings_router
from hub.meetings.pages import router as meetings_pages_router
from hub.notify import owners
from hub.notify.endpoints import clues_router as notify_clues_router
from hub.notify.endpoints import router as notify_router
from hub.notify.pages import router as notify_pages_router
from hub.ops.endpoints import router as ops_router
from hub.ops.pages import router as ops_pages_router
from hub.overview.pages import router as overview_pages_router
from hub.privacy.endpoints import router as privacy_router
from hub.privacy.pages import router as privacy_pages_router
from hub.reports.endpoints import router as reports_router
from hub.reports.pages import router as reports_pages_router
from hub.review.endpoints import router as review_router
from hub.review.pages import router as review_pages_router
from hub.route.pages import router as route_pages_router
from hub.settings import get_settings
from hub.web.session import LoginRequired, error_page, login_url, refusal_page
from hub.web.templating import STATIC

DESCRIPTION = """问题线索共享协作平台对协作单位开放的接口（共享数据规范 v1）。

使用 `Authorization: Bearer <API 密钥>` 认证。字段名是与协作单位的约定，v1 内只增不改。
"""


ROUTERS = (intake_router, notify_clues_router, collect_router, correlate_pages_router,
           correlate_router, directory_router, directory_pages_router, route_pages_router,
           review_router, intake_pages_router, review_pages_router, ops_router, handoffs_router,
           handoffs_office_router, handoffs_pages_router, calendar_pages_router, notify_router,
           notify_pages_router, privacy_router, privacy_pages_router, ops_pages_router,
           reports_router, reports_pages_router, admin_pages_router, followups_router,
           followups_pages_router, documents_router, documents_pages_router,
           archive_pages_router, meetings_router, meetings_pages_router, overview_pages_router)


def create_app(hub: Hub) -> FastAPI:
    app = FastAPI(title="问题线索共享协作平台 API", version="v1", description=DESCRIPTION,
                  default_response_class=JSONResponse, lifespan=_lifespan)
    _attach(app, hub)
    errors.install(app)
    _route(app, hub)
    _answer_errors(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Warm before serving (an app marked `served`); then, when started by `hub api
    --processes N`, wait for the sibling processes (`app.state.before_serving`), so the first
    connections are spread over all of them rather than pinned to whichever process was ready
    first."""
    if getattr(app.state, "warm_up", False):  # served (app_factory, `hub run`), not a test's
        await warm_up(app)
        collector.settle()  # start-up objects are not walked by every full collection
    before_serving = getattr(app.state, "before_serving", None)
    if before_serving is not None:
        await asyncio.to_thread(before_serving)
    yield
    if getattr(app.state, "warm_up", False):  # the wake-ups still waiting (Bus.coalesce)
        await asyncio.to_thread(app.state.hub.bus.flush)


_WARM_UP_CLUE = orjson.dumps({
    "source_ref": "warm-up", "channel": "other", "reported_at": "2026-01-01T08:00:00+08:00",
    "title": "warm-up", "content": "warm-up", "subjects": [{"name": "warm-up"}],
    "reporter": {"name": "warm-up", "phone": "13800000000"}})


async def warm_up(app: FastAPI) -> None:
    """Pay at start what the first requests would otherwise wait for (half a second of CPU:
    FastAPI's routes, the body gate's table, the ORM's mappers, the contract's validators, a
    database connection). Nothing is written: the push below has no key and is refused."""
    hub: Hub = app.state.hub
    await asyncio.to_thread(warm_engine, hub.engine)
    service.receive_one(hub.cipher, 0, _WARM_UP_CLUE)  # validated and encrypted, not recorded
    body = sent = False

    async def receive() -> dict:
        nonlocal body
        if not body:
            body = True
            return {"type": "http.request", "body": _WARM_UP_CLUE, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        nonlocal sent
        sent = True

    await app({"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
               "method": "POST", "scheme": "http", "path": "/api/v1/clues",
               "raw_path": b"/api/v1/clues", "root_path": "", "query_string": b"",
               "headers": [(b"host", b"warm-up"), (b"content-type", b"application/json")],
               "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0), "state": {}},
              receive, send)


def _attach(app: FastAPI, hub: Hub) -> None:
    """The long-lived parts the requests use: the hub, intake's writer, the agency guard."""
    app.state.hub = hub
    owners.register()  # a final reply tells the office user who follows the hand-off
    app.state.intake_writer = GroupWriter(hub)
    app.state.agency_guard = AgencyGuard(hub)
    app.state.keys = app.state.agency_guard.keys


def _route(app: FastAPI, hub: Hub) -> None:
    """Every domain's routers, the office's static files, the body gate and security headers,
    and `/` (to the office)."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/office/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(bodies.BodyGate, api=app, settings=hub.settings)
    app.add_middleware(SecurityHeaders)  # outside the gate: its answers get the headers too
    app.add_api_route("/", _root, methods=["GET"], include_in_schema=False)


def _root() -> RedirectResponse:
    return RedirectResponse("/office/", status_code=303)


def _answer_errors(app: FastAPI) -> None:
    """Errors as the office's pages show them to a browser, and in the API's JSON shape."""
    app.add_exception_handler(LoginRequired, _login)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(HubError, _hub_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)


async def _login(_: Request, exc: LoginRequired) -> RedirectResponse:
    return RedirectResponse(login_url(exc.next_url), status_code=303)


def _forbidden(request: Request, exc: Forbidden) -> Response:
    """The office's pages refuse in their own layout; the API in its JSON shape.
    (Not async: the page looks up who is logged in, in Starlette's thread pool.)"""
    if request.url.path.startswith("/office/"):
        return refusal_page(request, exc)
    return errors.error_response(exc)


def _hub_error(request: Request, exc: HubError) -> Response:
    """A browser on an office page gets the error as a page; everyone else the JSON shape."""
    if _browser_page(request):
        return error_page(request, exc.status_code, errors.error_text(exc))
    return errors.error_response(exc)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if _browser_page(request) or (request.url.path == "/" and exc.status_code == 404):
        reason = {404: "没有这个页面，请检查地址。", 405: "这个地址不能这样打开。"}.get(
            exc.status_code, "请求无法处理。")
        return error_page(request, exc.status_code, reason)
    return errors.http_error_response(exc)


def _invalid(request: Request, exc: RequestValidationError) -> Response:
    if _browser_page(request):
        return error_page(request, 422, "地址中的参数有误：" + "；".join(
            ".".join(str(x) for x in e.get("loc", ())[1:]) or "参数" for e in exc.errors()))
    return errors.validation_response(exc)


def _browser_page(request: Request) -> bool:
    """An office page (not its JSON API) asked for by a browser."""
    path = request.url.path
    return (path.startswith("/office") and not path.startswith("/office/static/")
            and "text/html" in request.headers.get("accept", ""))


def app_factory() -> FastAPI:
    settings = get_settings()
    log.configure(settings.log_level)
    return served(create_app(Hub.from_settings(settings)))


def served(app: FastAPI) -> FastAPI:
    """An app about to be served: it warms up before it listens (`warm_up`), and its queue
    wake-ups are coalesced (`Bus.coalesce`): a test's app publishes each at its commit."""
    app.state.warm_up = True
    hub: Hub = app.state.hub
    hub.bus.coalesce(hub.settings.queue_wake_coalesce_ms / 1000,
                     hub.settings.queue_wake_coalesce_max_ms / 1000)
    return app


def _openapi(app: FastAPI) -> dict:
    if not app.openapi_schema:
        app.openapi_schema = openapi.build(app, (ClueSubmission, BatchSubmission))
    return app.openapi_schema
