"""Tests for hub.normalize.classify: examples, robustness, and the evaluation-set quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.normalize.classify import CATEGORY_LABELS, FIELD_LABELS, Classification, classify

DATA = Path(__file__).resolve().parents[2] / "hub" / "normalize" / "classify_data"
CHANNELS = ["hotline", "petition", "discipline", "court", "procuratorate", "admin_review"]
CHANNELS += ["enforcement_supervision", "proposal", "mailbox", "media", "inspection", "other"]
SCHEMA_CATEGORIES = {"enforcement", "decision", "public_service", "business_environment"}
SCHEMA_CATEGORIES |= {"judgment_compliance", "review_correction", "recommendation_compliance"}
SCHEMA_CATEGORIES |= {"official_conduct", "legislation", "other"}

# channel | title | content | category | field ("-" for None)
EXAMPLE_TABLE = """
hotline|城管没收三轮车|茅箭区城管执法人员把我的三轮车扣押了，没有开任何扣押清单。|enforcement|urban
mailbox|交警设卡乱罚款|竹溪县交警在路口设卡，每辆货车都要罚款两百元，不开罚款票据。|enforcement|public_security
petition|拆迁决定没有听证|区政府作出房屋征收决定前没有征求意见，也没有进行社会稳定风险评估。|decision|housing
proposal|公交票价上调应听证|市交通运输局决定上调公交票价，事前未公开征求意见。|decision|transport
hotline|办证跑了五趟|在政务服务中心窗口办营业执照，材料每次说的不一样，跑了五趟。|public_service|market
hotline|社保转移接续太慢|养老保险关系转移接续办了三个月还没有办结，查不到进度。|public_service|human_resources
mailbox|县政府拖欠企业工程款|县政府拖欠民营企业工程款五百万元，招商承诺也不兑现。|business_environment|-
court|(2024)鄂0322执12号 镇政府拒不履行|被执行人某镇政府拒不履行生效判决。|judgment_compliance|-
court|人社局未履行判决|判决生效后，市人力资源和社会保障局逾期未重新作出工伤认定。|judgment_compliance|human_resources
admin_review|复议撤销罚款|复议机关认为被申请人县市场监督管理局的处罚证据不足，决定撤销。|review_correction|market
procuratorate|检察建议逾期未回复|县检察院向县生态环境分局发出检察建议，该局逾期未回复。|recommendation_compliance|environment
court|司法建议未落实|法院向县自然资源和规划局发出司法建议，该局至今未落实整改。|recommendation_compliance|natural_resources
discipline|干部吃拿卡要|某局干部办事吃拿卡要，收受礼金，对群众反映的问题推诿扯皮。|official_conduct|-
hotline|窗口人员态度恶劣|工作人员上班玩手机，门难进脸难看事难办，懒政怠政。|official_conduct|-
inspection|规范性文件未审核|县政府印发的规范性文件未经合法性审核，违法设定罚款，与上位法相抵触。|legislation|-
proposal|建议制定养犬条例|建议市人大常委会将养犬管理条例列入立法计划。|legislation|other
hotline|咨询公积金|请问公积金贷款需要什么材料？|other|housing
hotline|邻居噪音|楼上邻居晚上很吵，希望社区帮忙调解。|other|-
"""
EXAMPLES = [
    tuple(None if part == "-" else part for part in line.split("|"))
    for line in EXAMPLE_TABLE.strip().splitlines()
]


@pytest.mark.parametrize(("channel", "title", "content", "category", "field"), EXAMPLES)
def test_clear_examples(channel, title, content, category, field):
    result = classify(title, content, channel)
    assert result.category == category, result
    assert result.field == field, result
    assert 0.0 <= result.score <= 1.0


def test_every_category_has_an_example():
    assert {e[3] for e in EXAMPLES} == set(CATEGORY_LABELS)


def test_labels_match_schema():
    assert set(CATEGORY_LABELS) == SCHEMA_CATEGORIES
    assert "other" in FIELD_LABELS and len(FIELD_LABELS) == 15
    assert all(CATEGORY_LABELS.values()) and all(FIELD_LABELS.values())


def test_court_revocation_is_classified_by_the_act():
    result = classify(
        "(2024)鄂0302行初28号 判决撤销行政拘留决定",
        "原告诉公安分局治安行政处罚一案，被告作出的行政拘留决定主要证据不足，判决撤销。",
        "court",
    )
    assert result.category == "enforcement"
    assert result.field == "public_security"


def test_channel_prior_needs_text_evidence():
    assert classify("来信", "请尽快处理", "admin_review").category == "other"
    hint = classify("罚款", "对罚款决定不服", "admin_review")
    assert hint.category == "enforcement"


def test_text_overrides_channel():
    result = classify("举报", "某局干部收受好处费，对群众推诿扯皮、吃拿卡要。", "court")
    assert result.category == "official_conduct"


def test_matched_explains_the_decision():
    result = classify("城管暴力执法", "城管执法人员当场没收摊贩的秤。", "hotline")
    assert result.matched
    assert "暴力执法" in result.matched
    assert all(isinstance(w, str) and w for w in result.matched)


def test_title_weighs_more_than_content():
    in_title = classify("检察建议", "某局未回复。")
    in_content = classify("来函", "检察建议，某局未回复。")
    assert in_title.category == in_content.category == "recommendation_compliance"
    assert in_title.score > in_content.score


def test_full_width_text_is_folded():
    result = classify("（２０２４）鄂０３２５执７８号", "被执行人镇政府拒不履行生效判决。", "court")
    assert result.category == "judgment_compliance"


@pytest.mark.parametrize(
    ("title", "content"),
    [
        ("", ""),
        ("   ", "\n\t"),
        ("12345", "!!!"),
        ("hello", "world"),
        ("😀", "🙂🙃"),
        ("\x00", "\ud7ff"),
        ("a" * 300, "b" * 20000),
    ],
)
def test_odd_text_is_other(title, content):
    result = classify(title, content, "hotline")
    assert result.category == "other"
    assert result.field is None
    assert result.matched == ()


def test_none_and_unknown_channel_do_not_raise():
    assert classify(None, None).category == "other"  # type: ignore[arg-type]
    assert classify("罚款", "罚款决定", ["court"]).category == "enforcement"  # type: ignore[arg-type]
    assert classify("城管暴力执法", "执法人员殴打摊贩", "no-such-channel").category == "enforcement"


def test_deterministic():
    args = ("交警乱罚款", "交警设卡罚款不开票据，执法粗暴。", "hotline")
    assert classify(*args) == classify(*args)


RULE_CHARS = (
    "城管执法罚款处罚检察建议复议判决生效履行懒政推诿规范性文件企业拖欠政务窗口决策听证咨询"
)


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(max_size=60) | st.text(alphabet=RULE_CHARS, max_size=60),
    content=st.text(max_size=400) | st.text(alphabet=RULE_CHARS + "。，未没不", max_size=400),
    channel=st.sampled_from([*CHANNELS, None, "", "bogus"]),
)
def test_any_text_gives_a_valid_classification(title, content, channel):
    result = classify(title, content, channel)
    assert isinstance(result, Classification)
    assert result.category in CATEGORY_LABELS
    assert result.field is None or result.field in FIELD_LABELS
    assert 0.0 <= result.score <= 1.0
    assert isinstance(result.matched, tuple)
    if result.category != "other":
        assert result.matched


def load_eval_set() -> list[dict]:
    with (DATA / "eval_set.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_eval_set_is_well_formed():
    items = load_eval_set()
    assert len(items) >= 300
    for item in items:
        assert set(item) == {"title", "content", "channel", "category", "field"}
        assert item["title"] and item["content"]
        assert item["channel"] in CHANNELS
        assert item["category"] in CATEGORY_LABELS
        assert item["field"] is None or item["field"] in FIELD_LABELS
    categories = [i["category"] for i in items]
    fields = [i["field"] for i in items if i["field"]]
    assert all(categories.count(c) >= 20 for c in CATEGORY_LABELS)
    assert all(fields.count(f) >= 10 for f in FIELD_LABELS)


def test_eval_set_accuracy_gate():
    items = load_eval_set()
    results = [classify(i["title"], i["content"], i["channel"]) for i in items]
    correct = [r.category == i["category"] for r, i in zip(results, items, strict=True)]
    held_out = [ok for n, ok in enumerate(correct) if n % 4 == 0]
    assert sum(correct) / len(correct) >= 0.85
    assert sum(held_out) / len(held_out) >= 0.85
    for result in results:
        if result.category != "other":
            assert result.matched


def test_shield_keywords_hide_substrings():
    # 人民政府 contains 民政 (civil affairs): it must not make the field `other`.
    result = classify("镇政府拒不履行判决", "被执行人某镇人民政府拒不履行生效判决。", "court")
    assert result.field is None
    assert "民政" not in result.matched
