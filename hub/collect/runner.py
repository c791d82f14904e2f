"""Pulling from a partner system, page by page from the saved cursor; each page one commit.

The runner owns the cursor: a page's records and the cursor after it commit in one
transaction, so a crash or a restart resumes exactly where the last commit stopped, never
importing a page twice and never skipping one. A run holds the connector's lease (claimed
in a transaction, renewed with every page), so two processes never pull one partner at
once; the lease of a process that died is taken over (at once on the same host, otherwise
after LEASE_SECONDS without a page). Every run ends as ok or failed, with its counts; a
partner that keeps failing is marked unhealthy and polled less and less often.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from connectors.base import ConnectorError, ConnectorSpec, Page, RetryPolicy, make_client
from hub import log
from hub.collect import repository
from hub.collect.models import ConnectorState
from hub.collect.service import (
    Prepared,
    Tally,
    connector_spec,
    ensure_state,
    prepare_records,
    record_prepared,
)
from hub.container import Hub
from hub.db.types import utcnow
from hub.errors import Conflict

LEASE_SECONDS = 600.0
UNHEALTHY_AFTER = 3  # consecutive failed runs
MAX_BACKOFF_SECONDS = 3600
ORPHANED = "运行中断：运行它的进程已退出，由后续运行接管"


class ConnectorBusy(Conflict):
    """Another run holds the connector's lease."""


class LeaseLost(Exception):
    """Our lease was taken over (we looked dead): stop without committing the page."""


@dataclass
class RunReport:
    """A run as it goes: given to the progress callback after every page, returned at the end."""

    run_id: int
    connector: str
    status: str = "running"
    pages: int = 0
    tally: Tally = field(default_factory=Tally)
    cursor: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Lease:
    name: str
    owner: str
    run_id: int
    agency_id: int
    base_url: str
    page_size: int
    cursor: str | None


def run_connector(hub: Hub, name: str, *, max_pages: int | None = None,
                  progress: Callable[[RunReport], None] | None = None,
                  retry: RetryPolicy | None = None,
                  lease_seconds: float = LEASE_SECONDS) -> RunReport:
    """One run: pull from the saved cursor until the partner has no more (or `max_pages`)."""
    spec = connector_spec(name)
    lease = claim(hub, spec, lease_seconds)
    report = RunReport(lease.run_id, name, cursor=lease.cursor)
    log.event("hub.collect.run_started", logging.DEBUG, connector=name, run=lease.run_id)
    try:
        with make_client(lease.base_url) as http:
            _pull(hub, spec, lease, http, report, max_pages, progress, retry)
    except ConnectorError as exc:
        _finish(hub, lease, report, str(exc))
    except LeaseLost:
        _finish(hub, lease, report, "租约已被其他进程接管，本次运行停止（最后一页未提交）")
    except BaseException as exc:  # interrupted, or a bug: still ends as failed, then raise
        _finish(hub, lease, report, f"内部错误：{type(exc).__name__}: {str(exc)[:300]}")
        raise
    else:
        _finish(hub, lease, report, None)
    return report


def claim(hub: Hub, spec: ConnectorSpec, lease_seconds: float = LEASE_SECONDS) -> Lease:
    """Take the connector's lease and open a run, in one transaction."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    now = utcnow()
    with hub.uow() as uow:
        state = ensure_state(uow.session, spec, hub.settings.office_region)
        if not state.base_url:
            raise Conflict(f"连接器“{spec.name}”尚未配置合作方地址，请先运行 "
                           f"hub connectors set {spec.name} --url <地址>")
        previous = state.lease_owner
        if previous is not None and not lease_is_free(state, now, lease_seconds):
            raise ConnectorBusy(f"连接器“{spec.name}”正在运行（{previous}，"
                                f"始于 {state.running_since:%Y-%m-%d %H:%M:%S} UTC）")
        lease = Lease(spec.name, owner, 0, state.agency_id, state.base_url, state.page_size,
                      state.cursor)
        if not repository.take_lease(uow.session, spec.name, previous, owner, now):
            raise ConnectorBusy(f"连接器“{spec.name}”刚被另一个进程启动")
        orphaned = repository.fail_orphaned_runs(uow.session, spec.name, now, ORPHANED)
        lease = dataclasses.replace(lease, run_id=repository.start_run(uow.session, spec.name,
                                                                       now))
        uow.commit()
    if orphaned:
        log.warning("hub.collect.lease_taken_over", connector=spec.name, previous=previous)
    return lease


def lease_is_free(state: ConnectorState, now: datetime, lease_seconds: float) -> bool:
    if state.lease_owner is None or state.running_since is None:
        return True
    stale = state.running_since < now - timedelta(seconds=lease_seconds)
    return stale or owner_is_dead(state.lease_owner)


def owner_is_dead(owner: str) -> bool:
    """A lease owner (`host:pid:token`) that was a process on this host, now gone."""
    parts = owner.rsplit(":", 2)
    if len(parts) != 3:
        return False
    host, pid = parts[0], parts[1]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def _pull(hub: Hub, spec: ConnectorSpec, lease: Lease, http: httpx.Client, report: RunReport,
          max_pages: int | None, progress: Callable[[RunReport], None] | None,
          retry: RetryPolicy | None) -> None:
    """Page after page; the next page is fetched and mapped while this one is written.

    Reading ahead never commits ahead: pages commit one after the other, each with the
    cursor after it, so a page read ahead and lost in a crash is simply read again.
    """

    def read(cursor: str | None) -> tuple[Page, list[Prepared]]:
        page = spec.fetch_page(http, cursor, lease.page_size, retry=retry)
        return page, prepare_records(hub, spec, lease.agency_id, "pull", page.records)

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"collect-read-{spec.name}")
    try:
        cursor, ahead = lease.cursor, pool.submit(read, lease.cursor)
        while max_pages is None or report.pages < max_pages:
            page, prepared = ahead.result()
            if not page.records and page.next_cursor in (None, cursor):
                return  # caught up: the cursor stays where it is, the next run resumes from it
            if max_pages is None or report.pages + 1 < max_pages:
                ahead = pool.submit(read, page.next_cursor)
            _store_page(hub, lease, page, prepared, report)
            cursor = page.next_cursor
            if progress is not None:
                progress(report)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _store_page(hub: Hub, lease: Lease, page: Page, prepared: list[Prepared],
                report: RunReport) -> None:
    """The page's records, the cursor after them and the run's counts: one commit."""
    stored = Tally()

    def then(session, tally: Tally) -> None:  # noqa: ANN001
        nonlocal stored
        now = utcnow()
        if not repository.advance(session, lease.name, lease.owner, page.next_cursor, now):
            raise LeaseLost(lease.name)
        repository.add_to_run(session, lease.run_id, {"pages": 1, **tally.counts()})
        stored = tally

    if prepared:
        record_prepared(hub, lease.name, "pull", prepared, then=then, lean=True)
    else:
        with hub.uow() as uow:
            then(uow.session, Tally())
            uow.commit()
    report.pages += 1
    report.cursor = page.next_cursor
    for key, n in stored.counts().items():
        setattr(report.tally, key, getattr(report.tally, key) + n)


def _finish(hub: Hub, lease: Lease, report: RunReport, error: str | None) -> None:
    now = utcnow()
    report.status, report.error = ("failed", error) if error else ("ok", None)
    with hub.uow() as uow:
        state = repository.get_state(uow.session, lease.name)
        repository.release(uow.session, lease.name, lease.owner, updated_at=now,
                           **_health_after(state, error is None, now))
        repository.finish_run(uow.session, lease.run_id, report.status, now, error)
        uow.commit()
    quiet = error is None and report.pages == 0  # caught up already: nothing worth a line
    log.event("hub.collect.run_finished", logging.DEBUG if quiet else logging.INFO,
              connector=lease.name, run=lease.run_id, status=report.status, pages=report.pages,
              **report.tally.counts(), error=error)


def _health_after(state: ConnectorState, ok: bool, now: datetime) -> dict:
    """Success resets health; each failure pushes the next run further away."""
    interval = state.interval_seconds
    if ok:
        return {"health": "healthy", "consecutive_failures": 0,
                "next_run_at": now + timedelta(seconds=interval)}
    failures = state.consecutive_failures + 1
    return {"consecutive_failures": failures,
            "health": "unhealthy" if failures >= UNHEALTHY_AFTER else state.health,
            "next_run_at": now + timedelta(seconds=backoff_seconds(interval, failures))}


def backoff_seconds(interval: int, failures: int) -> int:
    """interval × 2^failures, at most an hour (or the interval itself, if longer)."""
    return min(interval * 2 ** min(failures, 20), max(interval, MAX_BACKOFF_SECONDS))
