"""Malformed records go to the dead letters, and come back as clues when replayed after a fix.

The "fix" is a second version of a test-only connector's mapper, registered under the same
name, as a deployment of the corrected mapper would be.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from connectors.base import ConnectorSpec
from connectors.hotline.mapper import to_clue as hotline_to_clue
from connectors.registry import CONNECTORS
from hub.collect.config import configure
from hub.collect.runner import run_connector
from hub.db.models import Clue
from tests.collect.collect_support import cli, count, dead_letters, pending_review, state, wait_for

NAME = "hotline_legacy"


def lenient_to_clue(record: dict[str, Any]) -> dict[str, Any] | None:
    """Version 2: a work order whose 诉求内容 was left empty still names what and who."""
    if isinstance(record, dict) and not str(record.get("诉求内容") or "").strip():
        record = {**record, "诉求内容": f"（原工单未填写诉求内容）{record.get('问题分类') or ''}"
                                       f"问题，承办单位：{record.get('承办单位') or '未注明'}"}
    return hotline_to_clue(record)


@pytest.fixture
def register() -> Iterator[Callable[[Callable], ConnectorSpec]]:
    """Registers the test-only connector with a given mapper (again, to deploy a new one)."""

    def deploy(mapper: Callable) -> ConnectorSpec:
        spec = dataclasses.replace(CONNECTORS["hotline"], name=NAME, to_clue=mapper,
                                   display_name_zh="12345热线旧平台（测试）")
        CONNECTORS[NAME] = spec
        return spec

    yield deploy
    CONNECTORS.pop(NAME, None)


def test_a_dead_letter_comes_back_as_a_clue_after_the_mapper_is_fixed(
        hub, settings, pipeline, simulate, register):
    register(hotline_to_clue)
    planted = CONNECTORS["hotline"].generate_records(1, 150, with_truth=True)
    refused = [(r, t) for r, t in planted if t.outcome == "refused"]
    bad_date = [t for _, t in refused if t.field == "来电时间"]
    # What the fixed mapper makes of the blank-content ones: clues, or (a consultation,
    # say) records that are not clues at all.
    fixed = [lenient_to_clue(r) for r, t in refused if t.field == "诉求内容"]
    blank_content = [clue for clue in fixed if clue is not None]
    assert blank_content and bad_date and None in fixed
    partner = simulate("hotline", total=150)
    configure(hub, NAME, url=partner.url, page_size=50)
    assert run_connector(hub, NAME).tally.dead_lettered == len(refused)

    listing = cli(settings, "deadletters", "list", "--connector", NAME).output
    assert listing.count("诉求内容：") == len(fixed)
    assert listing.count("来电时间：") == len(bad_date) and "待补录" in listing

    register(lenient_to_clue)  # the fix is deployed
    out = cli(settings, "deadletters", "replay", "--all").output

    assert len(re.findall(r"已重放 → 线索 XS-\d{4}-\d{6}", out)) == len(blank_content)
    assert out.count("仍未通过：来电时间") == len(bad_date)
    assert out.count("不是线索，已标记为已解决") == fixed.count(None)
    assert f"成为线索 {len(blank_content)}，非线索 {fixed.count(None)}" in out
    letters = dead_letters(hub, NAME)
    replayed = [d for d in letters if d.state == "replayed"]
    assert len(replayed) == len(blank_content) and all(d.clue_id for d in replayed)
    still_open = [d for d in letters if d.state == "open"]
    assert len(still_open) == len(bad_date) and {d.field for d in still_open} == {"来电时间"}
    assert count(hub, Clue, Clue.id.in_([d.clue_id for d in replayed]),
                 Clue.content.startswith("（原工单未填写诉求内容）")) == len(blank_content)
    agency_id = state(hub, NAME).agency_id
    wait_for(lambda: pending_review(hub, agency_id) == count(hub, Clue), what="replayed clues")

    again = cli(settings, "deadletters", "replay", str(replayed[0].id)).output
    assert "跳过" in again
    assert cli(settings, "deadletters", "list", "--connector", NAME).output.count("#") == len(
        bad_date)
    missing = cli(settings, "deadletters", "replay", "999999")
    assert missing.exit_code == 1 and "999999" in missing.output


def test_a_dead_letter_whose_raw_body_was_purged_says_so_on_replay(
        hub, settings, simulate, register):
    from hub.db.models import RawRecord
    from hub.db.types import utcnow
    from hub.privacy.retention import _purge

    register(hotline_to_clue)
    partner = simulate("hotline", total=150)
    configure(hub, NAME, url=partner.url, page_size=50)
    assert run_connector(hub, NAME).tally.dead_lettered > 0
    letter = dead_letters(hub, NAME)[0]
    with hub.uow() as uow:  # what retention does once the record's period has passed
        _purge(uow.session.get(RawRecord, letter.raw_record_id), utcnow())
        uow.commit()

    register(lenient_to_clue)
    out = cli(settings, "deadletters", "replay", str(letter.id)).output
    assert f"#{letter.id} 仍未通过：原始记录已于 " in out and "按保存期限清除，无法重放" in out
    assert [d.state for d in dead_letters(hub, NAME) if d.id == letter.id] == ["open"]
