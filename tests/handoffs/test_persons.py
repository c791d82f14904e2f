"""Persons in outcomes: each person held accountable, sanctioned or handled, one by one — by
the partner API and by the office's entry — names encrypted and masked; old replies that
give only a number stay valid."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from hub.errors import InvalidInput
from hub.handoffs.office import parse_people
from hub.handoffs.schemas import (
    MEASURES_BY_KIND,
    PERSON_KIND_LABELS,
    RANK_LABELS,
    Outcome,
    PersonMeasure,
)

KINDS = list(MEASURES_BY_KIND)


@given(st.sampled_from(KINDS), st.sampled_from(list(PersonMeasure)))
def test_a_measure_is_accepted_only_with_its_own_kind(kind, measure):
    person = {"name": "王建军", "kind": kind, "measure": measure.value}
    if measure.value in MEASURES_BY_KIND[kind]:
        outcome = Outcome.model_validate({"kind": "sanction", "people": [person]})
        assert outcome.persons == 1
    else:
        with pytest.raises(ValidationError, match=PERSON_KIND_LABELS[kind]):
            Outcome.model_validate({"kind": "sanction", "people": [person]})


def test_a_bare_number_stays_valid_and_a_number_below_the_named_is_refused():
    assert Outcome.model_validate({"kind": "accountability", "persons": 3}).people == []
    named = [{"name": "刘明", "kind": "accountability", "measure": "admonishment"}] * 2
    assert Outcome.model_validate({"kind": "accountability", "persons": 5,
                                   "people": named}).persons == 5
    with pytest.raises(ValidationError, match="少于逐人登记"):
        Outcome.model_validate({"kind": "accountability", "persons": 1, "people": named})
    with pytest.raises(ValidationError, match="persons"):
        Outcome.model_validate({"kind": "sanction"})


@given(st.lists(st.tuples(
    st.text(alphabet="王李张刘陈杨赵黄周吴建军明华", min_size=1, max_size=4),
    st.sampled_from(["", "副局长", "科长"]), st.sampled_from(["", *RANK_LABELS.values()]),
    st.sampled_from(KINDS).flatmap(lambda k: st.tuples(st.just(k),
                                                      st.sampled_from(list(MEASURES_BY_KIND[k]))))),
    min_size=1, max_size=4))
def test_what_the_office_types_one_line_a_person_parses_back(rows):
    lines = [f"{name}，{post}，{rank}，{PERSON_KIND_LABELS[kind]}，{MEASURES_BY_KIND[kind][measure]}"
             for name, post, rank, (kind, measure) in rows]
    people = parse_people("\n".join(lines))
    assert [(p["name"], p["kind"], p["measure"]) for p in people] == [
        (name, kind, measure) for name, _, _, (kind, measure) in rows]
    Outcome.model_validate({"kind": "sanction", "people": people})


@given(st.text(max_size=80))
def test_anything_typed_is_parsed_or_refused_in_plain_words(text):
    try:
        parse_people(text)
    except InvalidInput as exc:
        assert all(e.msg.startswith("逐人登记第") for e in exc.errors)


def test_the_partner_api_names_the_bad_person_and_answers_names_masked(desk):
    handoff = desk.handoff()
    bad = desk.commission.post(f"/api/v1/handoffs/{handoff}/replies", json={
        "final": True, "text": "已处理。", "outcome": {"kind": "sanction", "people": [
            {"name": "王建军", "kind": "government_sanction", "measure": "party_expulsion"}]}})
    assert bad.status_code == 422
    assert "people" in str(bad.json()["errors"][0]["loc"]) and "政务处分" in bad.text
    good = desk.commission.post(f"/api/v1/handoffs/{handoff}/replies", json={
        "final": True, "text": "已处理。", "outcome": {"kind": "accountability", "people": [
            {"name": "王建军", "post": "副局长", "rank": "section", "kind": "accountability",
             "measure": "admonishment"}]}})
    assert good.status_code == 201, good.text
    assert good.json()["outcome"]["people"] == [{"name": "王**", "post": "副局长",
                                                 "rank": "section", "kind": "accountability",
                                                 "measure": "admonishment"}]
    inbox = desk.commission.get(f"/api/v1/handoffs/{handoff}").json()
    assert inbox["replies"][0]["outcome"]["persons"] == 1 and "王建军" not in str(inbox)


def test_the_office_enters_persons_on_the_page_and_sees_them_masked(desk):
    handoff = desk.handoff()
    csrf = desk.office.headers["X-CSRF-Token"]
    refused = desk.office.post(f"/office/handoffs/{handoff}/reply", data={
        "csrf": csrf, "text": "电话反馈", "final": "true", "outcome": "sanction",
        "people": "王建军，副局长，科级，政务处分，开除党籍"}, follow_redirects=True)
    assert "逐人登记第 1 行" in refused.text and "记大过" in refused.text
    entered = desk.office.post(f"/office/handoffs/{handoff}/reply", data={
        "csrf": csrf, "text": "电话反馈：已作出处分决定。", "final": "true", "outcome": "sanction",
        "people": "王建军，副局长，科级，政务处分，记过\n刘明，，，党纪处分，警告"},
        follow_redirects=True)
    assert entered.status_code == 200
    assert "王**（副局长，乡科级）：政务处分·记过" in entered.text
    assert "刘*：党纪处分·警告" in entered.text and "王建军" not in entered.text


def test_the_office_enters_only_how_many_persons_on_the_page(desk):
    handoff = desk.handoff()
    csrf = desk.office.headers["X-CSRF-Token"]
    entered = desk.office.post(f"/office/handoffs/{handoff}/reply", data={
        "csrf": csrf, "text": "电话反馈：已问责三人。", "final": "true",
        "outcome": "accountability", "persons": "3"}, follow_redirects=True)
    assert entered.status_code == 200 and "已登记办结反馈" in entered.text, entered.text[-800:]
    inbox = desk.commission.get(f"/api/v1/handoffs/{handoff}").json()
    assert inbox["replies"][-1]["outcome"]["persons"] == 3
    wrong = desk.office.post(f"/office/handoffs/{handoff}/reply", data={
        "csrf": csrf, "text": "再次反馈", "final": "true", "outcome": "accountability",
        "persons": "三"}, follow_redirects=True)
    assert "涉及人数" in wrong.text or "persons" in wrong.text
