"""Issued reports: kept unchanged with their sha256, versions, the scheduler's job, sharing
with partner agencies through the API, and the API's JSON and files for office users."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from datetime import date

import httpx
import openpyxl
import pytest
from sqlalchemy import select

from hub.db.models import Agency
from hub.reports.issue import issue, issue_due, share
from hub.reports.models import IssuedReport
from hub.scheduler import jobs as scheduler_jobs
from tests.reports.conftest import OFFICE, october
from tests.reports.month import insert_month


@pytest.fixture
def month_db(hub):
    with hub.uow() as uow:
        ids = insert_month(uow.session)
        uow.commit()
    return ids


@pytest.fixture
def month_live(month_db, live):
    return month_db


def office_client(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=60)
    answer = client.post("/api/v1/office/session",
                         json={"username": "report-li", "password": "correct-horse-9"})
    assert answer.status_code == 200
    return client


def test_regenerating_adds_a_version_and_keeps_the_old_one_unchanged(hub, month_db):
    with hub.uow() as uow:
        first = issue(uow.session, october(), office_name=OFFICE, by="user:1")
        uow.commit()
        first_id, first_sha = first.id, first.json_sha256
    with hub.uow() as uow:
        second = issue(uow.session, october(), office_name=OFFICE, by="user:1")
        uow.commit()
        assert second.version == 2
    with hub.uow(write=False) as uow:
        kept = uow.session.get(IssuedReport, first_id)
        assert kept.version == 1 and kept.json_sha256 == first_sha
        for data, digest in ((kept.report_json, kept.json_sha256), (kept.docx, kept.docx_sha256),
                             (kept.xlsx, kept.xlsx_sha256)):
            assert hashlib.sha256(data).hexdigest() == digest
        stored = json.loads(kept.report_json)
    assert stored["figures"]["received_total"]["total"] == 8
    assert stored["issued"]["version"] == 1


def test_scheduler_issues_last_month_once_on_the_first_working_day(hub, month_db):
    assert "reports.issue_monthly" in [job.id for job in scheduler_jobs(hub)]
    assert issue_due(hub, date(2026, 11, 1)) is None  # a Sunday: not yet
    made: list = []
    threads = [threading.Thread(target=lambda: made.append(issue_due(hub, date(2026, 11, 2))))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert issue_due(hub, date(2026, 11, 3)) is None  # already issued
    with hub.uow(write=False) as uow:
        rows = uow.session.execute(select(IssuedReport.period, IssuedReport.version,
                                          IssuedReport.issued_by)).all()
    assert [tuple(r) for r in rows] == [("2026-10", 1, "system")]
    assert sum(1 for m in made if m is not None) == 1


def test_office_gets_json_and_files_for_a_month_and_a_county(hub, month_live, live):
    client = office_client(live.url)
    try:
        whole = client.get("/api/v1/reports/monthly/2026-10")
        county = client.get("/api/v1/reports/monthly/2026-10", params={"region": "420322"})
        docx = client.get("/api/v1/reports/monthly/2026-10.docx")
        xlsx = client.get("/api/v1/reports/monthly/2026-10.xlsx", params={"region": "420322"})
        behind = client.get("/api/v1/reports/monthly/2026-10/figures/handoffs_overdue")
        hotline = client.get("/api/v1/reports/monthly/2026-10/figures/received_by_channel",
                             params={"group": "hotline"})
        bad = client.get("/api/v1/reports/monthly/2026-13")
        bad_region = client.get("/api/v1/reports/monthly/2026-10", params={"region": "42"})
    finally:
        client.close()
    assert whole.status_code == 200 and whole.json()["figures"]["received_total"]["total"] == 8
    assert county.json()["figures"]["received_total"]["total"] == 3
    assert behind.json()["records"] == ["JB-2026-000004", "JB-2026-000008"]
    assert hotline.json()["count"] == 3 and hotline.json()["label"] == "按来源渠道"
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert docx.content[:2] == b"PK"
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book["线索台账"].max_row == 1 + 3
    assert bad.status_code == 422 and "月份应写作 YYYY-MM" in bad.text
    assert bad_region.status_code == 422 and "行政区划代码" in bad_region.text
    assert httpx.get(f"{live.url}/api/v1/reports/monthly/2026-10").status_code == 401


def test_partner_agency_sees_only_reports_shared_with_it_without_reporter_data(
        hub, month_live, agencies):
    _, discipline_key = agencies.add("十堰市纪委监委", "discipline")
    _, court_key = agencies.add("十堰市中级人民法院", "court")
    discipline, court = agencies.client(discipline_key), agencies.client(court_key)
    with hub.uow() as uow:
        row = issue(uow.session, october(), office_name=OFFICE, by="user:1")
        agency_id = uow.session.scalar(select(Agency.id).where(Agency.name == "十堰市纪委监委"))
        assert share(uow.session, row.id, agency_id, "user:1")
        assert not share(uow.session, row.id, agency_id, "user:1")  # once is enough
        uow.commit()
        report_id, partner_sha = row.id, row.partner_json_sha256
    listed = discipline.get("/api/v1/reports").json()["reports"]
    assert [(r["period"], r["version"]) for r in listed] == [("2026-10", 1)]
    got = discipline.get(f"/api/v1/reports/issued/{report_id}")
    assert got.status_code == 200
    assert got.headers["x-content-sha256"] == partner_sha
    assert hashlib.sha256(got.content).hexdigest() == partner_sha
    body = got.json()
    assert body["audience"] == "partner"
    assert body["overdue"] and all("title" not in item for item in body["overdue"])
    assert "reporter" not in got.text
    monthly = discipline.get("/api/v1/reports/monthly/2026-10")
    assert monthly.status_code == 200 and monthly.json()["figures"]["handoffs_sent"]["total"] == 7
    assert discipline.get(f"/api/v1/reports/issued/{report_id}.xlsx").status_code == 403
    assert court.get("/api/v1/reports").json()["reports"] == []
    assert court.get(f"/api/v1/reports/issued/{report_id}").status_code == 404
    assert court.get("/api/v1/reports/monthly/2026-10").status_code == 404
