"""The administrator exports, tries, imports and lists rule sets with `hub rules`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.db.types import utcnow
from hub.pipeline import tasks
from hub.pipeline.worker import Worker
from hub.route.dry_run import OFFICE_TZ
from hub.route.stage import RouteStage
from tests.support.cli import Ran, run_hub

TRANSFER = "      action: transfer  # 转交\n      target: 十堰市市场监督管理局\n"


def hub_cli(settings, *commands: list[str]) -> list[Ran]:
    """Run `hub rules ...` commands one after another, in this process."""
    return [run_hub(settings, "rules", *args) for args in commands]


def test_export_dry_run_import_list_and_show_a_proposal(hub, settings, add_clue, tmp_path):
    received = utcnow() - timedelta(days=2)
    clue = add_clue("consumer", received_at=received)
    with hub.uow() as uow:
        ids = tasks.create(uow.session, "route", [clue], utcnow())
        uow.commit()
    Worker(hub, name="t").process(RouteStage(next_stage=None), ids)
    clue_no = f"XS-{received.year}-{clue:06d}"

    [exported] = hub_cli(settings, ["export"])  # first use: saves the default as version 1
    assert exported.returncode == 0, exported.stderr
    assert "name: 十堰市委依法治市办默认分办规则" in exported.stdout and TRANSFER in exported.stdout
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(exported.stdout.replace(TRANSFER, "      action: decline\n"), "utf-8")

    day = received.astimezone(OFFICE_TZ).date().isoformat()
    tried, saved = hub_cli(  # a dry run compares with stored proposals: a save changes none
        settings, ["import", str(rules_file), "--dry-run", "--since", day, "--until", day],
        ["import", str(rules_file), "--comment", "消费纠纷改为不予受理", "--by", "张科员"])
    assert tried.returncode == 0, tried.stderr
    assert f"试运行（未保存）：{day} 至 {day} 收到的线索 1 条；处置变化 1 条" in tried.stdout
    assert f"  {clue_no}  健身房不退预付卡\n" in tried.stdout
    assert ("现有：转交 十堰市市场监督管理局（consumer-dispute-transfer）  →  "
            "试运行：不予受理（consumer-dispute-transfer）") in tried.stdout

    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.strip() == "已保存为规则集第 2 版，并已启用"

    listing, shown = hub_cli(settings, ["list"], ["show-proposal", clue_no])
    listed = listing.stdout.splitlines()
    assert listed[0].startswith("* 第 2 版") and listed[0].endswith("张科员  11 条规则  消费纠纷改为不予受理")
    assert listed[1].startswith("  第 1 版") and "system" in listed[1]

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[:3] == [
        f"线索 {clue_no}：建议转交 → 十堰市市场监督管理局",
        f"规则：consumer-dispute-transfer（12345 消费纠纷转交市场监管局），规则集第 1 版，"
        f"{shown.stdout.splitlines()[1].split('规则集第 1 版，')[1]}",
        "理由：属于消费纠纷，与法治督察内容无关，按程序转交市场监管部门处理",
    ]
    assert "  - 渠道为“12345热线”\n" in shown.stdout


def test_mistakes_on_the_command_line_are_plain_errors(hub, settings, tmp_path):
    if not settings.is_sqlite:
        pytest.skip("command-line wording does not depend on the database")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nrules:\n  - id: to-court\n    name: 甲\n    when: {channel: [法院]}\n"
                   "    then: {action: refer}\n", "utf-8")
    refused, unknown, missing = hub_cli(settings, ["import", str(bad)],
                                        ["show-proposal", "XS-2026-999999"],
                                        ["export", "--version", "5"])
    assert refused.returncode == 1
    assert refused.stderr.startswith("错误：规则集有 1 处错误：\n  - 规则“to-court”（第 1 条）的 then（处置）："
                                     "移送须写明接收机关（target）")
    assert unknown.returncode == 1 and "没有找到线索 XS-2026-999999" in unknown.stderr
    assert missing.returncode == 1 and "没有规则集第 5 版" in missing.stderr
