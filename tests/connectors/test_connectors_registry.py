"""The registry: seven connectors, each complete and speaking for its own channel."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from connectors.registry import CONNECTORS, get
from hub.contract.v1 import Channel


def test_the_seven_partner_systems_are_registered():
    assert list(CONNECTORS) == ["hotline", "petition", "discipline", "court", "procuratorate",
                                "admin_review", "proposal"]


def test_the_systems_that_take_replies_say_so():
    """办理结果回复: the verified outcome goes back onto 12345, 信访 and 建议提案 records."""
    assert [name for name, spec in CONNECTORS.items() if spec.reply] == [
        "hotline", "petition", "proposal"]


@pytest.mark.parametrize("name", list(CONNECTORS))
def test_each_connector_is_complete(name):
    spec = get(name)
    assert spec.name == name and Channel(spec.channel).value == name
    assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.display_name_zh)
    assert isinstance(spec.simulator(seed=2, total=5), FastAPI)
    assert spec.source_ref_field in spec.columns.values()
    assert all(spec.source_ref_field in record for record in spec.generate_records(1, 10))


def test_an_unknown_connector_is_named_in_the_error():
    with pytest.raises(KeyError, match="没有名为“fax”的连接器"):
        get("fax")
