"""The administrator keeps the directory from the command line (`python -m hub directory …`).

The main round trip runs as real subprocesses; the finer checks call the same click group in
this process, since every `python -m hub` costs seconds of imports here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from hub import log
from hub.cli import main
from hub.settings import reset_settings_cache


def _env(settings) -> dict[str, str]:
    return {"HUB_DATABASE_URL": settings.database_url, "HUB_BROKER_URL": settings.broker_url,
            "HUB_KEYRING_PATH": str(settings.keyring_path),
            "HUB_QUEUE_PREFIX": settings.queue_prefix}


def hub_cli(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hub", *args],
                          env={**os.environ, **_env(settings)}, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def cli(settings) -> Iterator:
    """`hub …` in this process, against the test's database."""
    runner = CliRunner(env=_env(settings))

    def invoke(*args: str):
        reset_settings_cache()
        return runner.invoke(main, list(args), catch_exceptions=False)

    yield invoke
    reset_settings_cache()
    log.configure("WARNING")  # `hub` set up logging to the runner's stream, now closed


def test_seed_export_list_and_import_back(hub, settings, cli, tmp_path):
    seeded = hub_cli(settings, "directory", "seed")
    assert seeded.returncode == 0, seeded.stderr
    assert "已导入演示名录：新增 375 个" in seeded.stdout
    path = tmp_path / "名录.csv"
    exported = hub_cli(settings, "directory", "export", str(path))
    assert "已导出 375 个单位" in exported.stdout, exported.stderr

    listed = cli("directory", "list", "--region", "420322").output
    assert "郧西县交通运输局" in listed and "十堰市交通运输局" not in listed
    assert "共 43 个单位" in listed
    again = cli("directory", "import", str(path), "--json").output
    assert json.loads(again) == {"added": 0, "updated": 0, "unchanged": 375, "deactivated": 0,
                                 "refused": []}


def test_import_reports_each_refused_row_in_chinese(hub, cli, tmp_path):
    book = Workbook()
    book.active.append(["单位名称", "简称/别名", "统一社会信用代码", "行政区划代码", "层级", "类型",
                        "上级单位"])
    book.active.append(["房县交通运输局", "房县交通局", "", "420325", "县级", "政府部门", ""])
    book.active.append(["房县某局", "", "123", "420325", "县级", "政府部门", ""])
    path = tmp_path / "名录.xlsx"
    book.save(path)

    out = cli("directory", "import", str(path))
    assert out.exit_code == 0, out.output
    assert "新增 1 个" in out.output and "拒绝 1 行" in out.output
    assert "第 3 行 「房县某局」未导入：统一社会信用代码应为 18 位" in out.output

    missing = cli("directory", "import", str(tmp_path / "没有.csv"))
    assert missing.exit_code != 0 and "不存在" in missing.output


def test_resolve_and_search_show_what_a_name_means(hub, cli):
    assert "已导入演示名录" in cli("directory", "seed").output
    assert "未导入" in cli("directory", "seed").output
    out = cli("directory", "resolve", "县交通局", "--region", "420322").output
    assert out.startswith("简称匹配（alias，得分 100.0）：郧西县交通运输局")
    unresolved = cli("directory", "resolve", "县交通局").output
    assert unresolved.startswith("未匹配") and "候选" in unresolved
    found = json.loads(cli("directory", "search", "交警", "--region", "420325", "--json").output)
    assert found[0]["name"] == "房县公安局交通警察大队"
    assert "已重新匹配 0 条线索" in cli("directory", "rematch").output
    rows = json.loads(cli("directory", "list", "--json").output)
    assert len(rows) == 375 and {"name", "aliases", "credit_code", "parent_id"} <= set(rows[0])
