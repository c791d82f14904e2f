"""The link decision on the hard cases, its reasons, and robustness on any input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.correlate.decide import decide, judged_all, links, regions_conflict
from hub.correlate.labelled import BLIND3_CLUES, load_clues, profile_of
from hub.correlate.labelled import clue as labelled
from hub.correlate.profile import build_profile


def _decide(a: str, b: str, **overrides):
    return decide(profile_of(labelled(a)), profile_of({**labelled(b), **overrides}))


def test_same_problem_in_other_words_links_and_says_why():
    decision = _decide("S01-1", "S01-2")  # 12345 call and the drivers' letter
    assert decision.linked
    assert decision.reasons["text"] > 0.25
    assert decision.reasons["shared"] == ["subject:交通运输局", "place:观音镇", "region:420322"]


def test_same_bureau_with_another_problem_does_not_link_on_the_bureau():
    decision = _decide("S01-2", "S03-2")  # quota fines vs a washed-out road, same bureau
    assert not decision.linked
    assert "subject:郧西县交通运输局" in decision.reasons["shared"]


def test_later_stages_of_one_case_link_on_the_case_number():
    decision = _decide("S43-1", "S43-2")  # first instance and appeal
    assert decision.linked and decision.score >= 0.95
    assert "case_number:(2023)鄂0325行初9号" in decision.reasons["shared"]
    assert _decide("S02-2", "S02-1").linked  # a procuratorate recommendation citing the case


def test_the_same_template_about_another_place_does_not_link():
    decision = _decide("S14-1", "S15-1")  # word for word the same 12345 form, two districts
    assert decision.reasons["text"] > 0.7 and not decision.linked
    assert decision.reasons["conflicts"] == ["region:420381≠420302"]
    assert not _decide("S09-1", "S11-1").linked  # two procuratorates' recommendations


def test_other_words_for_one_problem_link_on_the_rare_words_they_share():
    # A letter about selective enforcement and the discipline complaint about the same
    # officials: little phrasing in common, but the problem's rare words.
    decision = _decide("S16-1", "S16-3")
    assert decision.linked and decision.reasons["text"] < 0.25
    assert decision.reasons["rare_words"] >= 0.10 and decision.reasons["conflicts"] == []
    unrelated = _decide("S01-2", "S03-2")  # same bureau, another problem: common words only
    assert not unrelated.linked and unrelated.reasons.get("rare_words", 0.0) < 0.10


def test_rare_words_are_read_without_the_glue_between_words():
    # A caller about short measure at a filling station and a letter about the sealed pump
    # months later: 加油站, 加油机 are what they share; 在城 or 块钱 (of 0块钱) are not words.
    blind3 = {c["id"]: c for c in load_clues(BLIND3_CLUES)}
    decision = decide(profile_of(blind3["C09-1"]), profile_of(blind3["C09-3"]))
    assert decision.linked and decision.reasons["text"] < 0.25
    assert decision.reasons["rare_words"] >= 0.10 and decision.reasons["conflicts"] == []
    # A road both name is a shared thing already: its name does not count again as a rare
    # word (a missing manhole cover and unpaid wages on 均州路 are two problems).
    road = decide(profile_of(labelled("S14-1")), profile_of(labelled("S27-1")))
    assert "place:均州路" in road.reasons["shared"] and not road.linked


def test_a_shared_common_word_is_not_a_shared_thing():
    # 竹溪县工业园区 is every clue about the county's park: a subsidy promised to an investor
    # and a road contractor's unpaid bill share it, and are two problems.
    blind3 = {c["id"]: c for c in load_clues(BLIND3_CLUES)}
    decision = decide(profile_of(blind3["C10-3"]), profile_of(labelled("S31-3")))
    assert not decision.linked
    assert not any(s.startswith("place:") for s in decision.reasons["shared"])


def test_a_road_is_named_however_common_its_name_is_as_a_word():
    # 武当 is a common word in the city's complaints, but 武当路 is one road: a hotline call
    # about a leaning tree and the news of it falling at the same bus stop share it.
    blind3 = {c["id"]: c for c in load_clues(BLIND3_CLUES)}
    decision = decide(profile_of(blind3["C14-1"]), profile_of(blind3["C14-3"]))
    assert decision.linked and "place:武当路" in decision.reasons["shared"]


def test_a_procuratorate_template_about_another_polluter_does_not_link():
    # Same district, same bureau, the same recommendation form: a pig farm at 茶店镇 and a
    # sand plant at 柳陂镇 are two problems (the form's own phrases are not compared).
    blind3 = {c["id"]: c for c in load_clues(BLIND3_CLUES)}
    decision = decide(profile_of(blind3["C08-3"]), profile_of(labelled("S11-1")))
    assert not decision.linked and decision.reasons["conflicts"] == ["named_things"]


def test_outside_the_window_nothing_links():
    later = (datetime.fromisoformat(labelled("S01-1")["reported_at"]) + timedelta(days=200))
    decision = _decide("S01-1", "S01-2", reported_at=later.isoformat())
    assert not decision.linked and decision.reasons["conflicts"] == ["outside_window:180d"]
    assert decide(profile_of(labelled("S01-1")), profile_of(labelled("S01-2")),
                  window_days=10).linked is False


def test_regions_conflict_only_when_both_cannot_be_right():
    assert regions_conflict("420322", "420302")
    assert not regions_conflict("420300", "420322")  # the city contains the county
    assert not regions_conflict(None, "420322") and not regions_conflict("420322", "420322")


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=10), inner, max_size=3), max_leaves=8)
_when = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1),
                     timezones=st.just(UTC))


@settings(max_examples=80, deadline=None)
@given(title=st.text(max_size=60), content=st.text(max_size=300), region=st.none() | st.text(
    max_size=8), subjects=st.lists(_json, max_size=3), references=st.lists(_json, max_size=3),
       when=_when, other=st.text(max_size=200))
def test_any_clue_can_be_profiled_and_compared(title, content, region, subjects, references,
                                                when, other):
    a = build_profile(title=title, content=content, channel="hotline", region_code=region,
                      subjects=subjects, references=references, reported_at=when)
    b = build_profile(title="", content=other, channel="court", region_code="420322",
                      subjects=[{"name": other[:30]}], references=[], reported_at=when)
    for x, y in ((a, b), (b, a), (a, a)):
        decision = decide(x, y)
        assert 0.0 <= decision.score <= 1.0
        assert isinstance(decision.reasons["shared"], list)
        assert links(x, y) == decision.linked
        assert judged_all(x, [y]) == [decision if decision.linked else None]


def test_the_quick_answer_is_the_decision_on_every_labelled_pair():
    # The linking stage judges every candidate once with `judged_all`: the decision itself,
    # reasons and all, for the pairs that link, None for the others.
    from hub.correlate import labelled as sets

    for path in (sets.PAIRS, sets.BLIND_PAIRS, sets.BLIND3_PAIRS):
        for pair, decision in sets.judge(sets.load_pairs(path)):
            a, b = sets.profile_of(pair["a"]), sets.profile_of(pair["b"])
            assert links(a, b) == decision.linked, (pair["a"]["id"], pair["b"]["id"])
            quick = judged_all(a, [b, a, b])
            assert quick[0] == quick[2] == (decision if decision.linked else None)
            itself = decide(a, a)
            assert quick[1] == (itself if itself.linked else None)


@settings(max_examples=60, deadline=None)
@given(content=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
                       min_size=3, max_size=200), when=_when)
def test_identical_texts_score_one(content, when):
    profile = build_profile(title="", content=content, channel="hotline", region_code=None,
                            subjects=[], references=[], reported_at=when)
    decision = decide(profile, profile)
    if profile.text:
        assert decision.reasons["text"] == 1.0 and decision.linked
