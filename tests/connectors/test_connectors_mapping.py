"""Every simulated record maps as planted: a valid clue, not a clue, or refused by field."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest

from connectors.base import ConnectorSpec, MappingError
from connectors.registry import CONNECTORS
from hub.contract.v1 import Channel, ClueSubmission

SEED, TOTAL = 1, 300


def outcome(spec: ConnectorSpec, record: dict[str, Any]) -> tuple[str, str | None, Any]:
    try:
        clue = spec.to_clue(record)
    except MappingError as exc:
        return "refused", exc.field, exc
    return ("clue" if clue is not None else "not_clue"), None, clue


@pytest.fixture(params=list(CONNECTORS), scope="module")
def spec(request: pytest.FixtureRequest) -> ConnectorSpec:
    return CONNECTORS[request.param]


@pytest.fixture(scope="module")
def planted(spec: ConnectorSpec) -> list[tuple[dict[str, Any], Any]]:
    return spec.generate_records(SEED, TOTAL, with_truth=True)


def test_every_record_maps_exactly_as_the_generator_planted(spec, planted):
    for record, truth in planted:
        kind, field, _ = outcome(spec, record)
        assert (kind, field) == (truth.outcome, truth.field), (truth, record)


def test_every_mapped_record_is_a_valid_v1_submission(spec, planted):
    mapped = [clue for record, _ in planted if (clue := outcome(spec, record)[2])
              and not isinstance(clue, MappingError)]
    assert mapped
    for clue in mapped:
        accepted = ClueSubmission.model_validate(clue)
        assert accepted.channel == Channel(spec.channel)
        assert accepted.reported_at.utcoffset().total_seconds() == 8 * 3600
        assert clue["reported_at"].endswith("+08:00")


def test_the_sample_has_every_kind_of_record_and_dirt(spec, planted):
    kinds = Counter(truth.outcome for _, truth in planted)
    assert kinds["clue"] > 50 and kinds["not_clue"] > 20 and kinds["refused"] >= 5
    dirt = Counter(kind for _, truth in planted for kind in truth.dirt)
    assert {"date_style", "fullwidth", "padding", "missing_optional", "malformed"} <= set(dirt)
    assert sum(1 for _, truth in planted if truth.repeat_of is not None) >= 3


def test_refusals_name_the_native_field_in_chinese(spec, planted):
    for record, truth in planted:
        if truth.outcome == "refused":
            error = outcome(spec, record)[2]
            assert error.field == truth.field
            assert error.message_zh and any("\u4e00" <= ch <= "\u9fff" for ch in error.message_zh)
            assert str(error).startswith(f"{truth.field}：")


def test_a_repeated_record_maps_to_the_same_clue(spec, planted):
    for record, truth in planted:
        if truth.repeat_of is not None:
            assert record == planted[truth.repeat_of][0]
            first, again = outcome(spec, planted[truth.repeat_of][0]), outcome(spec, record)
            assert first[:2] == again[:2]
            if first[0] == "clue":
                assert first[2] == again[2]


def test_mapping_is_pure_and_leaves_the_record_untouched(spec, planted):
    for record, _ in planted[:60]:
        before = copy.deepcopy(record)
        first = outcome(spec, record)
        assert record == before
        assert outcome(spec, record)[:2] == first[:2]


def test_personal_data_never_lands_in_extra(spec, planted):
    personal = {"来电人", "联系电话", "信访人", "证件号码", "反映对象", "原告", "申请人",
                "申请执行人"}
    for record, _ in planted:
        kind, _, clue = outcome(spec, record)
        if kind == "clue":
            assert not personal & set(clue.get("extra", {})), clue["extra"]


def test_the_generator_is_deterministic_and_grows_at_the_end(spec):
    assert spec.generate_records(SEED, 80) == spec.generate_records(SEED, 80)
    assert spec.generate_records(SEED, 80) != spec.generate_records(SEED + 1, 80)
    assert spec.generate_records(SEED, 120)[:80] == spec.generate_records(SEED, 80)


def test_credit_codes_and_references_are_canonical(spec, planted):
    for record, _ in planted:
        kind, _, clue = outcome(spec, record)
        if kind != "clue":
            continue
        accepted = ClueSubmission.model_validate(clue)
        assert [s.model_dump(exclude_none=True) for s in accepted.subjects] == clue.get(
            "subjects", [])
        assert [r.value for r in accepted.references] == [
            r["value"] for r in clue.get("references", [])]
