"""Rendering a month's report in every form, and issuing it: stored unchanged, with sha256.

An issued report is a version; issuing again (regenerating) adds version n+1 and keeps the
old ones. Partner agencies see the versions shared with them, in the partner form: the same
figures without reporter data and without the titles of named items (a title can carry a
name).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import tempfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.db.models import Agency
from hub.errors import NotFound

from . import repository
from .build import Progress, build, context, pinned
from .calendar import report_calendar
from .models import IssuedReport, ReportShare
from .repository import begin_snapshot
from .scope import Scope

PARTNER_DROPS = ("title",)


@dataclass(frozen=True)
class Rendered:
    report: dict[str, Any]
    docx: bytes
    xlsx: bytes


def render(session: Session, scope: Scope, *, office_name: str,
           progress: Progress | None = None) -> Rendered:
    """The report, its .docx and its .xlsx, all read in one snapshot with one cutoff."""
    say = progress or (lambda _m: None)
    begin_snapshot(session)
    scope = pinned(scope)
    report = build(session, scope, office_name=office_name, progress=progress)
    say("生成 Word 月报")
    docx = docx_bytes(report)
    say("生成 Excel 台账")
    return Rendered(report, docx, xlsx_bytes(session, scope, report, progress))


def docx_bytes(report: dict[str, Any]) -> bytes:
    # python-docx and matplotlib take seconds to import: only a process that writes a report
    # pays for them, not every `hub` command and worker.
    from .docx import write_docx

    out = io.BytesIO()
    write_docx(report, out)
    return out.getvalue()


def xlsx_bytes(session: Session, scope: Scope, report: dict[str, Any],
               progress: Progress | None = None) -> bytes:
    from .ledger import write_ledger  # openpyxl (and numpy with it): seconds at import

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_ledger(session, context(session, report_scope(scope, report)), report, path,
                     progress)
        return path.read_bytes()


def report_scope(scope: Scope, report: dict[str, Any]) -> Scope:
    """The scope with the report's own cutoff: the ledger lists what the figures counted."""
    if scope.as_of is not None or "as_of" not in report:
        return scope
    return replace(scope, as_of=datetime.fromisoformat(report["as_of"]))


def partner_view(report: dict[str, Any]) -> dict[str, Any]:
    view = copy.deepcopy(report)
    for key in ("overdue", "late"):
        for item in view.get(key, []):
            for drop in PARTNER_DROPS:
                item.pop(drop, None)
    view["audience"] = "partner"
    return view


def to_bytes(report: dict[str, Any]) -> bytes:
    return json.dumps(report, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def next_version(session: Session, scope: Scope) -> int:
    latest = repository.latest_version(session, scope.key, scope.region or "")
    return (latest or 0) + 1


def make_issued(session: Session, scope: Scope, *, office_name: str, by: str, version: int,
                progress: Progress | None = None) -> IssuedReport:
    """The row of a new version, rendered (read-only work; the caller adds and commits)."""
    made = render(session, scope, office_name=office_name, progress=progress)
    made.report["issued"] = {"version": version, "by": by}
    office, partner = to_bytes(made.report), to_bytes(partner_view(made.report))
    return IssuedReport(period=scope.key, area=scope.region or "", version=version, issued_by=by,
                        report_json=office, partner_json=partner, docx=made.docx, xlsx=made.xlsx,
                        json_sha256=sha256(office), partner_json_sha256=sha256(partner),
                        docx_sha256=sha256(made.docx), xlsx_sha256=sha256(made.xlsx))


def issue(session: Session, scope: Scope, *, office_name: str, by: str,
          version: int | None = None, progress: Progress | None = None) -> IssuedReport:
    """Store a new version of the month's report (flushed, not committed)."""
    row = make_issued(session, scope, office_name=office_name, by=by,
                      version=version or next_version(session, scope), progress=progress)
    session.add(row)
    session.flush()
    return row


def issue_apart(hub: Any, scope: Scope, *, by: str, version: int | None = None,
                progress: Progress | None = None) -> IssuedReport:
    """Render in a read-only unit of work, then store in a short write (SQLite has one
    writer: rendering a large month must not hold it). IntegrityError when the version was
    taken meanwhile."""
    with hub.uow(write=False) as uow:
        begin_snapshot(uow.session)
        row = make_issued(uow.session, scope, office_name=hub.settings.office_name, by=by,
                          version=version or next_version(uow.session, scope), progress=progress)
    with hub.uow() as uow:
        uow.session.add(row)
        uow.commit()
        uow.session.refresh(row)
        uow.session.expunge(row)
    return row


def first_working_day(session: Session, year: int, month: int) -> date:
    calendar = report_calendar(session)
    day = date(year, month, 1)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def issue_due(hub: Any, today: date) -> IssuedReport | None:
    """The scheduler's job: on (or after) the month's first working day, issue last month's
    report for the whole area once. Two schedulers racing: the unique version wins once."""
    previous = Scope(today.year, today.month).previous()
    with hub.uow(write=False) as uow:
        if today < first_working_day(uow.session, today.year, today.month):
            return None
        if repository.issued_exists(uow.session, previous.key, ""):
            return None
    try:
        return issue_apart(hub, previous, by="system", version=1)
    except IntegrityError:
        return None  # the other scheduler issued it first


def issued_list(session: Session, agency_id: int | None = None) -> list[IssuedReport]:
    return repository.issued_reports(session, agency_id)


def get_issued(session: Session, report_id: int, agency_id: int | None = None) -> IssuedReport:
    row = session.get(IssuedReport, report_id)
    if row is None or (agency_id is not None
                       and not repository.is_shared(session, report_id, agency_id)):
        raise NotFound("没有这份已印发的月报")
    return row


def share(session: Session, report_id: int, agency_id: int, by: str) -> bool:
    """Share with one agency; False when it was shared already."""
    get_issued(session, report_id)
    if session.get(Agency, agency_id) is None:
        raise NotFound("没有这个协作单位")
    if repository.is_shared(session, report_id, agency_id):
        return False
    session.add(ReportShare(report_id=report_id, agency_id=agency_id, shared_by=by))
    session.flush()
    return True


def shares_of(session: Session, report_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not report_ids:
        return out
    rows = repository.share_names(session, report_ids)
    for report_id, name in rows:
        out.setdefault(report_id, []).append(name)
    return out


def summary(row: IssuedReport) -> dict[str, Any]:
    return {"id": row.id, "period": row.period, "region": row.area or None,
            "version": row.version, "issued_at": row.issued_at.isoformat(),
            "issued_by": row.issued_by, "json_sha256": row.json_sha256,
            "partner_json_sha256": row.partner_json_sha256, "docx_sha256": row.docx_sha256,
            "xlsx_sha256": row.xlsx_sha256, "url": f"/api/v1/reports/issued/{row.id}"}
