"""The rule language, pure: each kind of condition, first match wins, and the words of why."""

from __future__ import annotations

import json

import pytest

from hub.route.conditions import ClueFacts
from hub.route.evaluate import NO_RULE_MATCHED, compile_rule_set, evaluate
from hub.route.language import RuleSet
from hub.route.messages import RuleSetError
from hub.route.rulefile import load_rule_set
from tests.support.factories import credit_code

CREDIT = credit_code()


def facts(**overrides) -> ClueFacts:
    values = {"channel": "hotline", "title": "反映问题", "content": "具体情况如下。",
              "category": "enforcement", "field": None, "region_code": None, "urgency": "normal",
              "subjects": (), "references": ()}
    return ClueFacts(**{**values, **overrides})


def rules(*entries: dict, version: int | None = 7):
    numbered = [{"id": f"r{n}", "name": f"规则{n}", "then": {"action": "accept"}, **entry}
                for n, entry in enumerate(entries, start=1)]
    return compile_rule_set(RuleSet.model_validate({"name": "测试", "rules": numbered}), version)


def why(compiled, clue: ClueFacts) -> list[str]:
    routing = evaluate(compiled, clue)
    assert routing.proposal is not None, routing.reason
    return [m.text for m in routing.proposal.matched]


def test_channel_category_and_field_take_codes_or_chinese_names():
    compiled = rules({"when": {"channel": ["纪委监委", "court"], "category": ["official_conduct"],
                               "field": ["市场监管"]}})
    clue = facts(channel="discipline", category="official_conduct", field="market")
    assert why(compiled, clue) == ["渠道为“纪委监委”", "问题类别为“不作为慢作为乱作为”",
                                   "执法领域为“市场监管”"]
    assert evaluate(compiled, facts(channel="hotline", category="official_conduct",
                                    field="market")).proposal is None


def test_region_matches_code_prefixes_and_names_the_division():
    compiled = rules({"when": {"region": ["4203"]}}, {"when": {"region": ["420322"]}})
    assert why(compiled, facts(region_code="420322")) == [
        "地区为郧西县（420322），在十堰市（4203）范围内"]
    assert evaluate(compiled, facts(region_code="420100")).proposal is None
    assert evaluate(compiled, facts(region_code=None)).proposal is None
    exact = rules({"when": {"region": ["420322"]}})
    assert why(exact, facts(region_code="420322")) == ["地区为郧西县（420322）"]


def test_subject_by_name_part_exact_name_or_credit_code():
    compiled = rules({"when": {"subject": {"name_contains": ["交警"]}}},
                     {"when": {"subject": {"name_equals": ["十堰市交通运输局"]}}},
                     {"when": {"subject": {"credit_code": [CREDIT]}}})
    second = ({"name": "某公司"}, {"name": "郧西县交警大队"})
    assert why(compiled, facts(subjects=second)) == ["被反映单位“郧西县交警大队”名称包含“交警”"]
    assert evaluate(compiled, facts(subjects=({"name": "十堰市交通运输局"},))).proposal.rule_id == "r2"
    by_code = facts(subjects=({"name": "某局", "credit_code": CREDIT},))
    assert why(compiled, by_code) == [f"被反映单位“某局”的统一社会信用代码为 {CREDIT}"]
    assert evaluate(compiled, facts(subjects=({"name": "十堰市交通运输局郧西分局"},))).proposal is None


def test_urgency_is_at_least():
    compiled = rules({"when": {"urgency": "important"}})
    assert why(compiled, facts(urgency="urgent")) == ["紧急程度“紧急”不低于“重要”"]
    assert why(compiled, facts(urgency="important")) == ["紧急程度“重要”不低于“重要”"]
    assert evaluate(compiled, facts(urgency="normal")).proposal is None


def test_keywords_any_all_none_say_where_they_were_found():
    compiled = rules({"when": {"keywords": {"any_of": ["罚款指标", "乱罚款"],
                                            "all_of": ["交警"], "none_of": ["已解决"]}}})
    clue = facts(title="交警乱罚款", content="大队每月下达罚款指标。")
    assert why(compiled, clue) == [
        "关键词“罚款指标”出现在内容中：“大队每月下达罚款指标。”",
        "关键词“乱罚款”出现在标题中：“交警乱罚款”",
        "关键词“交警”出现在标题中：“交警乱罚款”",
        "标题和内容中均未出现“已解决”",
    ]
    assert evaluate(compiled, facts(title="交警乱罚款", content="问题已解决")).proposal is None
    assert evaluate(compiled, facts(title="城管乱罚款", content="")).proposal is None
    assert evaluate(compiled, facts(title="交警", content="态度不好")).proposal is None


def test_keywords_ignore_case_and_full_width_and_quote_a_short_excerpt():
    compiled = rules({"when": {"keywords": {"any_of": ["APP"]}}})
    clue = facts(content="前面有很多很多很多很多的文字说明，办事必须下载ＡＰＰ才能预约，后面还有很多很多很多文字")
    assert why(compiled, clue) == [
        "关键词“APP”出现在内容中：“…的文字说明，办事必须下载ＡＰＰ才能预约，后面还有很多很…”"]


def test_has_reference_names_the_number():
    compiled = rules({"when": {"has_reference": ["案号"]}})
    clue = facts(references=({"kind": "document_number", "value": "郧检行建〔2023〕5号"},
                             {"kind": "case_number", "value": "(2023)鄂0322行初15号"}))
    assert why(compiled, clue) == ["引用了案号“(2023)鄂0322行初15号”"]
    assert evaluate(compiled, facts(references=clue.references[:1])).proposal is None


def test_all_conditions_of_a_rule_must_hold_and_the_first_matching_rule_wins():
    compiled = rules(
        {"id": "narrow", "when": {"channel": ["court"], "category": ["judgment_compliance"]},
         "then": {"action": "assign", "target_from": "first_subject"}},
        {"id": "court", "when": {"channel": ["court"]},
         "then": {"action": "cc", "target": "十堰市司法局"}},
        {"id": "also-court", "when": {"channel": ["court"]},
         "then": {"action": "decline", "reason": "不会轮到"}},
    )
    routing = evaluate(compiled, facts(channel="court", category="judgment_compliance",
                                       subjects=({"name": "郧西县人民政府"},)))
    assert (routing.proposal.rule_id, routing.proposal.action, routing.proposal.target) == (
        "narrow", "assign", "郧西县人民政府")
    routing = evaluate(compiled, facts(channel="court", category="enforcement"))
    assert (routing.proposal.rule_id, routing.proposal.target) == ("court", "十堰市司法局")


def test_the_proposal_carries_rule_version_reason_and_a_readable_summary():
    compiled = rules({"id": "to-discipline", "name": "干部作风问题移送", "when": {
        "category": ["official_conduct"]}, "then": {"action": "refer", "target": "十堰市纪委监委",
                                                    "reason": "依纪依法处理"}}, version=3)
    routing = evaluate(compiled, facts(category="official_conduct"))
    assert routing.rule_set_version == 3 and routing.reason == "依纪依法处理"
    assert routing.summary() == ("建议移送 十堰市纪委监委（规则“干部作风问题移送”，to-discipline，"
                                 "规则集第 3 版）：问题类别为“不作为慢作为乱作为”")
    assert routing.as_dict()["matched"] == [{"condition": "category", "value": "official_conduct",
                                             "text": "问题类别为“不作为慢作为乱作为”"}]


def test_assign_to_the_first_subject_without_subjects_leaves_the_target_to_the_reviewer():
    compiled = rules({"when": {"channel": ["court"]},
                      "then": {"action": "assign", "target_from": "first_subject"}})
    proposal = evaluate(compiled, facts(channel="court")).proposal
    assert proposal.target is None and proposal.reason.endswith("对象待研判确定）")


def test_a_clue_no_rule_matches_says_so():
    routing = evaluate(rules({"when": {"channel": ["court"]}}), facts(channel="media"))
    assert routing.proposal is None and routing.reason == NO_RULE_MATCHED == "没有规则匹配"
    assert routing.summary() == "没有规则匹配（规则集第 7 版）"
    assert evaluate(rules({"when": {"channel": ["court"]}}, version=None),
                    facts()).summary() == "没有规则匹配（候选规则集）"


@pytest.mark.parametrize(("then", "words"), [
    ({"action": "refer"}, "移送须写明接收机关"),
    ({"action": "transfer", "target_from": "first_subject"}, "转交须写明承办部门"),
    ({"action": "decline"}, "不予受理须写明理由"),
    ({"action": "accept", "target": "某局"}, "受理不需要对象"),
    ({"action": "assign"}, "交办须写明对象"),
    ({"action": "cc", "target": "某局", "target_from": "first_subject"}, "只能写一个"),
    ({"action": "approve"}, "未知的处置方式“approve”"),
])
def test_each_action_asks_for_what_it_needs(then, words):
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(json.dumps({"name": "x", "rules": [{"id": "a", "name": "甲", "when": {
            "channel": ["court"]}, "then": then}]}, ensure_ascii=False))
    assert words in str(caught.value) and "规则“a”（第 1 条）的 then" in str(caught.value)
