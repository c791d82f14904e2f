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
