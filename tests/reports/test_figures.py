"""Each figure of the October report over the month written out in tests/reports/month.py."""

from __future__ import annotations

from hub.reports import registry
from hub.reports.build import context
from hub.reports.figures import REGISTRY
from tests.reports.conftest import october


def groups(report, key):
    return {g["label"]: g["value"] for g in report["figures"][key]["groups"]}


def compared(report, key):
    return {g["label"]: (g["value"], g["previous"], g["last_year"])
            for g in report["figures"][key]["groups"]}


def total(report, key):
    return report["figures"][key]["total"]


def test_every_figure_has_a_chinese_label_and_definition():
    for figure in REGISTRY.figures.values():
        assert figure.label and len(figure.definition) > 10
        assert any("\u4e00" <= ch <= "\u9fff" for ch in figure.definition)
    for rate in REGISTRY.rates.values():
        assert rate.numerator in REGISTRY.figures and rate.denominator in REGISTRY.figures


def test_clues_received_count_office_time_month_boundaries(report):
    # 00:05 on 1 Oct counts, 23:30 on 31 Oct counts, 00:10 on 1 Nov does not
    f = report["figures"]["received_total"]
    assert (f["total"], f["previous_total"], f["last_year_total"]) == (8, 2, 1)


def test_clues_by_channel_category_field_region_with_comparisons(report):
    assert compared(report, "received_by_channel") == {
        "12345热线": (3, 1, 1), "法院": (1, 1, 0), "信访": (1, 0, 0), "检察院": (1, 0, 0),
        "纪委监委": (1, 0, 0), "舆情": (1, 0, 0)}
    assert groups(report, "received_by_category") == {
        "行政执法": 2, "不作为慢作为乱作为": 2, "履行生效裁判": 1, "落实检察/司法建议": 1,
        "未分类": 1, "其他": 1}
    assert groups(report, "received_by_field") == {
        "未识别领域": 4, "城市管理": 2, "交通运输": 1, "生态环境": 1}
    assert compared(report, "received_by_region") == {
        "湖北省十堰市郧西县": (3, 1, 1), "湖北省十堰市茅箭区": (2, 1, 0),
        "湖北省十堰市": (1, 0, 0), "湖北省十堰市郧阳区": (1, 0, 0), "未识别地区": (1, 0, 0)}


def test_subject_units_count_resolved_bodies_only(report):
    # C8's unresolved subject and the clues without subjects are not counted
    assert compared(report, "received_by_subject") == {
        "郧西县交通运输局": (3, 1, 1), "茅箭区市场监督管理局": (2, 1, 0),
        "十堰市城市管理执法委员会": (1, 0, 0)}


def test_dispositions_take_the_last_decision_of_the_month(report):
    # C2 accepted then assigned: assigned; P2 (a September clue) accepted in October
    assert groups(report, "dispositions") == {
        "交办": 3, "移送": 2, "受理": 1, "抄送": 1, "不予受理": 1, "合并": 1, "转交": 1}


def test_handoff_figures(report):
    assert groups(report, "handoffs_sent") == {"交办": 3, "移送": 2, "抄送": 1, "转交": 1}
    # H1 sent Fri 10-09, acknowledged Sat 10-10 (a make-up working day); H4 sent Friday,
    # acknowledged Monday: both within one working day; H2 took two
    assert total(report, "handoffs_acknowledged_in_time") == 4
    # H1 replied on its due date: on time; H2 due Fri 10-16, replied Mon 10-19: late
    assert total(report, "handoffs_replied_on_time") == 3
    assert total(report, "handoffs_replied_late") == 1
    assert report["late"][0]["handoff"] == "JB-2026-000002"
    assert report["late"][0]["days_late"] == 1
    assert total(report, "handoffs_open") == 5
    assert groups(report, "handoffs_returned") == {"受理单位退回（非本单位职责）": 1,
                                                   "办公室退回重办": 1}
    assert total(report, "handoffs_closed") == 3


def test_overdue_handoffs_are_named_with_working_days(report):
    # H5 was returned by its receiver: the office acts next, it is not overdue
    assert total(report, "handoffs_overdue") == 2
    named = {(i["handoff"], i["subject"], i["receiver"], i["days_overdue"])
             for i in report["overdue"]}
    # H8 due 09-15: Mid-Autumn (09-25) and National Day are rest days, 09-20 and 10-10 are
    # make-up working days
    assert named == {("JB-2026-000008", "茅箭区市场监督管理局", "茅箭区市场监督管理局", 29),
                     ("JB-2026-000004", "郧西县交通运输局", "十堰市纪委监委", 3)}


def test_rates_with_their_definitions(report):
    rates = {k: (r["numerator"], r["denominator"], r["percent"]) for k, r in report["rates"].items()}
    assert rates == {"completion_rate": (3, 6, "50.0%"), "on_time_rate": (3, 6, "50.0%"),
                     "rectification_rate": (1, 2, "50.0%"),
                     "acknowledgement_rate": (4, 7, "57.1%")}
    assert "期限当日或之前" in report["rates"]["on_time_rate"]["definition"]


def test_referral_outcomes(report):
    # H8's September case_opened is another month's
    assert total(report, "outcome_cases_opened") == 1
    assert total(report, "outcome_accountability") == 2
    assert total(report, "outcome_sanction") == 1
    assert total(report, "outcome_org_handling") == 3
    assert total(report, "outcome_amount_recovered") == 12000.5


def test_clusters_seen_through_several_channels(report):
    # K1: a court clue of August with two hotline clues, one merged in by a reviewer;
    # K2: petition + discipline; K3 two court clues: recurring but one channel
    assert groups(report, "multi_channel_clusters") == {
        "茅箭区市场监管局行政处罚被判决撤销": 3, "郧西县交通运输局对群众反映长期不答复": 2}
    assert total(report, "multi_channel_clusters") == 2
    assert total(report, "recurring_problems") == 3


def test_twelve_month_trend(report):
    trend = report["trend"]
    assert trend["months"][0] == "2025-11" and trend["months"][-1] == "2026-10"
    assert trend["received"][-3:] == [1, 2, 8]
    assert trend["closed"][-1] == 3
    assert trend["overdue"][-2:] == [1, 2]


def test_county_filter_keeps_its_clues_and_their_handoffs(county_report):
    r = county_report
    assert r["area"] == "湖北省十堰市郧西县"
    f = r["figures"]["received_total"]
    assert (f["total"], f["previous_total"], f["last_year_total"]) == (3, 1, 1)
    assert groups(r, "dispositions") == {"移送": 2, "交办": 1, "受理": 1}
    assert total(r, "handoffs_sent") == 3
    assert total(r, "handoffs_acknowledged_in_time") == 3
    assert total(r, "handoffs_replied_on_time") == 2
    assert total(r, "handoffs_overdue") == 1
    assert [i["handoff"] for i in r["overdue"]] == ["JB-2026-000004"]
    assert total(r, "multi_channel_clusters") == 1
    assert total(r, "recurring_problems") == 2


def test_each_figure_gives_the_ids_behind_it(month_hub, month):
    with month_hub.uow(write=False) as uow:
        ctx = context(uow.session, october())
        hotline = registry.ids(REGISTRY["received_by_channel"], ctx, "hotline")
        overdue = registry.ids(REGISTRY["handoffs_overdue"], ctx)
        on_time = registry.ids(REGISTRY["handoffs_replied_on_time"], ctx)
        for key, figure in REGISTRY.figures.items():
            if figure.measure == "count" and figure.total == "ids":
                assert len(registry.ids(figure, ctx)) == registry.count(figure, ctx).total, key
    assert hotline == sorted([month["C2"], month["C3"], month["C7"]])
    assert overdue == sorted([month["H4"], month["H8"]])
    assert on_time == sorted([month["H1"], month["H3"], month["H7"]])
