"""`hub report monthly 2026-10 --region 420322 --out DIR` writes the three files, with progress."""

from __future__ import annotations

import json

import openpyxl
from click.testing import CliRunner

from hub.cli import main
from hub.settings import reset_settings_cache
from tests.reports.month import insert_month


def hub_cli(settings, monkeypatch, *args: str):
    """The command in this process (a subprocess would pay every import again)."""
    for name, value in (("HUB_DATABASE_URL", settings.database_url),
                        ("HUB_KEYRING_PATH", str(settings.keyring_path)),
                        ("HUB_BROKER_URL", "memory://")):
        monkeypatch.setenv(name, value)
    reset_settings_cache()
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        reset_settings_cache()


def test_report_monthly_writes_json_docx_and_xlsx_for_a_county(hub, settings, tmp_path,
                                                               monkeypatch):
    with hub.uow() as uow:
        insert_month(uow.session)
        uow.commit()
    out = hub_cli(settings, monkeypatch, "report", "monthly", "2026-10", "--region", "420322",
                  "--out", str(tmp_path / "out"))
    assert out.exit_code == 0, out.output
    assert "统计：收到线索总数" in out.stderr and "完成" in out.stderr  # progress
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["湖北省十堰市郧西县2026年10月台账.xlsx", "湖北省十堰市郧西县2026年10月月报.json",
                     "湖北省十堰市郧西县2026年10月联席会议月报.docx"]
    data = json.loads((tmp_path / "out" / files[1]).read_text())
    assert data["figures"]["received_total"]["total"] == 3
    book = openpyxl.load_workbook(tmp_path / "out" / files[0], read_only=True)
    assert [r[0] for r in book["移交台账"].iter_rows(min_row=2, values_only=True)] == [
        "JB-2026-000001", "JB-2026-000003", "JB-2026-000004"]
    book.close()


def test_one_export_counts_in_its_figures_what_its_ledger_lists_while_clues_arrive(
        hub, settings, tmp_path, monkeypatch):
    """Clues committed between the figures' reads and the ledger's (here: while the .docx is
    written) are in neither: the three files are read from one database snapshot."""
    import hub.reports.docx as docx_module
    from hub.db.models import Clue, RawRecord
    from tests.reports.month import at

    with hub.uow() as uow:
        ids = insert_month(uow.session)
        agency_id = uow.session.get(Clue, ids["C1"]).agency_id
        uow.commit()
    write_docx = docx_module.write_docx

    def clues_arrive_meanwhile(report, out):
        with hub.uow() as uow:
            for n in range(3):
                raw = RawRecord(agency_id=agency_id, origin="api", sha256="1" * 64, size=1,
                                body_enc=b"x", outcome="accepted")
                uow.session.add(raw)
                uow.session.flush()
                uow.session.add(Clue(agency_id=agency_id, source_ref=f"late-{n}",
                                     raw_record_id=raw.id, received_at=at("2026-10-20 10:00"),
                                     reported_at=at("2026-10-20 10:00"), status="pending_review",
                                     channel="hotline", title="导出期间收到的线索",
                                     content="导出期间收到的线索", region_code="420322",
                                     subjects=[]))
            uow.commit()
        write_docx(report, out)

    monkeypatch.setattr(docx_module, "write_docx", clues_arrive_meanwhile)
    out = hub_cli(settings, monkeypatch, "report", "monthly", "2026-10", "--out",
                  str(tmp_path / "out"))
    assert out.exit_code == 0, out.output
    (figures,) = (tmp_path / "out").glob("*月报.json")
    counted = json.loads(figures.read_text())["figures"]["received_total"]["total"]
    (ledger,) = (tmp_path / "out").glob("*台账.xlsx")
    book = openpyxl.load_workbook(ledger, read_only=True)
    listed = sum(1 for _ in book["线索台账"].iter_rows(min_row=2, values_only=True))
    book.close()
    assert (counted, listed) == (8, 8)
