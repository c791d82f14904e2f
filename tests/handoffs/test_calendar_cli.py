"""The administrator keeps the holiday table from the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hub.cli import main
from hub.settings import reset_settings_cache


@pytest.fixture
def hub_cli(monkeypatch):
    """The real `hub` command, run in this process (a subprocess costs seconds per call)."""

    def run(settings, *args: str):
        for name, value in (("DATABASE_URL", settings.database_url),
                            ("KEYRING_PATH", str(settings.keyring_path)),
                            ("BROKER_URL", settings.broker_url),
                            ("QUEUE_PREFIX", settings.queue_prefix)):
            monkeypatch.setenv(f"HUB_{name}", value)
        reset_settings_cache()
        return CliRunner().invoke(main, list(args))

    yield run
    reset_settings_cache()


def test_add_working_days_across_national_day_and_into_an_unknown_year(hub, settings, tmp_path,
                                                                     hub_cli):
    national = hub_cli(settings, "calendar", "add-working-days", "2026-09-30", "5")
    assert national.exit_code == 0, national.output
    assert national.stdout.splitlines() == ["2026-10-13"]

    new_year = hub_cli(settings, "calendar", "add-working-days", "2026-12-28", "5")
    assert new_year.stdout.splitlines()[0] == "2027-01-04"
    assert "2027 年的法定节假日尚未录入" in new_year.stdout

    done = hub_cli(settings, "calendar", "set", "2027-01-01", "holiday", "--note", "元旦")
    assert done.exit_code == 0 and "已录入 2027-01-01" in done.stdout
    assert hub_cli(settings, "calendar", "add-working-days", "2026-12-28",
                   "5").stdout.splitlines()[0] == "2027-01-05"
    listed = hub_cli(settings, "calendar", "list", "--year", "2027")
    assert "2027-01-01\tholiday\t放假\t元旦" in listed.stdout

    year = tmp_path / "2027.csv"
    year.write_text("日期,类型,名称\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休\n",
                    encoding="utf-8")
    imported = hub_cli(settings, "calendar", "import", str(year))
    assert imported.exit_code == 0 and "2027 年" in imported.stdout and "2 天" in imported.stdout
    after = hub_cli(settings, "calendar", "add-working-days", "2026-12-28", "5")
    assert after.stdout.splitlines() == ["2027-01-05"]  # entered: no warning any more
    assert "已录入完整安排的年份：2027" in hub_cli(settings, "calendar", "list").stdout


def test_bad_calendar_input_is_a_plain_error(hub, settings, tmp_path, hub_cli):
    bad = hub_cli(settings, "calendar", "set", "2027-13-01", "holiday")
    assert bad.exit_code == 1 and "格式不对" in bad.output
    broken = tmp_path / "bad.csv"
    broken.write_text("2027-01-01,holiday\n2027-01-01,workday\n", encoding="utf-8")
    refused = hub_cli(settings, "calendar", "import", str(broken))
    assert refused.exit_code == 1 and "第 2 行" in refused.output
    missing = hub_cli(settings, "calendar", "remove", "2027-05-01")
    assert missing.exit_code == 1 and "没有录入过" in missing.output
