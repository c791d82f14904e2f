"""Connectors as the administrator sets them up and sees them (`hub connectors set|list`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connectors.registry import CONNECTORS
from hub import audit
from hub.collect import repository
from hub.collect.models import ConnectorRun, ConnectorState
from hub.collect.runner import LEASE_SECONDS, lease_is_free
from hub.collect.service import connector_spec, ensure_state
from hub.container import Hub
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, InvalidInput

PAGE_SIZE_MAX = 1000  # what the partners' /records accept as `limit`


def configure(hub: Hub, name: str, *, url: str | None = None, interval: int | None = None,
              page_size: int | None = None, enabled: bool | None = None,
              reset_cursor: bool = False, run_now: bool = False, actor: str = "system",
              via: str = "system") -> dict[str, Any]:
    """Change a connector's settings; enabling it (or `run_now`) makes it due at once."""
    spec = connector_spec(name)
    _check(url, interval, page_size)
    now = utcnow()
    with hub.uow() as uow:
        state = ensure_state(uow.session, spec, hub.settings.office_region)
        was_enabled = state.enabled
        before = _audited(state)
        if url is not None:
            state.base_url = url.rstrip("/")
        if interval is not None:
            state.interval_seconds = interval
        if page_size is not None:
            state.page_size = page_size
        if enabled is not None:
            state.enabled = enabled
        if state.enabled and not state.base_url:
            raise _invalid([FieldError(["url"], "启用前请先指定合作方系统的地址（命令行 --url，或页面上的“地址”）")])
        if reset_cursor:
            if not lease_is_free(state, now, LEASE_SECONDS):
                raise Conflict(f"连接器“{name}”正在运行，请在本次运行结束后再重置游标")
            state.cursor = None
        if run_now or (state.enabled and not was_enabled):
            state.next_run_at = now
        state.updated_at = now
        audit.record(uow.session, actor=actor, action="connector.configured",
                     target=f"connector:{name}", via=via, at=now, before=before,
                     after={**_audited(state), "cursor_reset": reset_cursor})
        uow.commit()
        return _state_json(state)


def _audited(state: Any) -> dict[str, Any]:
    return {"url": state.base_url, "interval_seconds": state.interval_seconds,
            "page_size": state.page_size, "enabled": state.enabled}


def _check(url: str | None, interval: int | None, page_size: int | None) -> None:
    errors = []
    if url is not None and not url.startswith(("http://", "https://")):
        errors.append(FieldError(["url"], "地址应以 http:// 或 https:// 开头"))
    if interval is not None and interval < 1:
        errors.append(FieldError(["interval"], "拉取间隔至少 1 秒"))
    if page_size is not None and not 1 <= page_size <= PAGE_SIZE_MAX:
        errors.append(FieldError(["page_size"], f"每页条数应在 1 到 {PAGE_SIZE_MAX} 之间"))
    if errors:
        raise _invalid(errors)


def _invalid(errors: list[FieldError]) -> InvalidInput:
    return InvalidInput(errors, "连接器设置有误：" + "；".join(e.msg for e in errors))


def overview(hub: Hub) -> list[dict[str, Any]]:
    """Every known connector: its settings, state, last run and open dead letters."""
    with hub.uow(write=False) as uow:
        states = repository.all_states(uow.session)
        runs = repository.last_runs(uow.session)
        fruitful = repository.last_runs(uow.session, with_records=True)
        dead = repository.open_counts(uow.session)
    out = []
    for name, spec in CONNECTORS.items():
        state = states.get(name)
        row = {"name": name, "display_name": spec.display_name_zh, "channel": spec.channel,
               **(_state_json(state) if state else {"configured": False}),
               "last_run": _run_json(runs.get(name)),
               "last_run_with_records": _run_json(fruitful.get(name)),
               "open_dead_letters": dead.get(name, 0)}
        out.append(row)
    return out


def _state_json(state: ConnectorState) -> dict[str, Any]:
    return {"configured": True, "enabled": state.enabled, "url": state.base_url,
            "interval_seconds": state.interval_seconds, "page_size": state.page_size,
            "cursor": state.cursor, "health": state.health,
            "consecutive_failures": state.consecutive_failures,
            "next_run_at": _iso(state.next_run_at), "running_since": _iso(state.running_since),
            "running_by": state.lease_owner, "agency_id": state.agency_id}


def _run_json(run: ConnectorRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"id": run.id, "status": run.status, "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at), "pages": run.pages, "seen": run.seen,
            "new": run.new, "known": run.known, "not_clue": run.not_clue,
            "dead_lettered": run.dead_lettered, "error": run.error}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
