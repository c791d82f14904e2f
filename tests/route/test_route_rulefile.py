"""Rule sets as YAML files: export then import gives the same rules; bad files, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.route.language import RuleSet
from hub.route.messages import RuleSetError
from hub.route.rulefile import dump_rule_set, load_rule_set
from tests.support.factories import credit_code

DEFAULT = Path("hub/route/data/default_rules.yaml")
TRICKY = ["yes", "null", "123", "0x1F", "- 列表", "a: b", "#号", "甲 #注释", "'单引号'", '"双引号"',
          "[方括号]", "{花括号}", "@", "`", "%", "! 标签", "*星号", "&锚", "|", ">", "~", "2026-01-01",
          "0000-00-00", "多行\n文字", "  前后空格  ", "制表\t符", "反斜杠\\", "：全角冒号", "12345热线"]

texts = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30),
    st.text(alphabet="交警罚款指标市场监管局被反映单位十堰郧西县", min_size=1, max_size=12),
).filter(lambda s: s.strip())
words = st.lists(texts, min_size=1, max_size=3)
codes = {
    "channel": ["hotline", "court", "discipline", "procuratorate", "纪委监委", "12345热线"],
    "category": ["enforcement", "official_conduct", "other", "履行生效裁判"],
    "field": ["market", "transport", "公安"],
    "has_reference": ["case_number", "文号"],
    "region": ["42", "4203", "420322", 4203],
}
conditions = st.fixed_dictionaries({}, optional={
    **{key: st.lists(st.sampled_from(values), min_size=1, max_size=3) for key, values in codes.items()},
    "urgency": st.sampled_from(["normal", "important", "紧急"]),
    "subject": st.fixed_dictionaries({"name_contains": words}, optional={
        "name_equals": words,
        "credit_code": st.just([credit_code(), credit_code("91420300MA4A1B2C3")])}),
    "keywords": st.fixed_dictionaries({}, optional={"any_of": words, "all_of": words,
                                                    "none_of": words}).filter(bool),
}).filter(bool)
actions = st.one_of(
    st.fixed_dictionaries({"action": st.just("accept")}, optional={"reason": texts}),
    st.fixed_dictionaries({"action": st.sampled_from(["refer", "transfer", "移送"]),
                           "target": texts}, optional={"reason": texts}),
    st.fixed_dictionaries({"action": st.sampled_from(["assign", "cc"]),
                           "target_from": st.just("first_subject")}, optional={"reason": texts}),
    st.fixed_dictionaries({"action": st.just("不予受理"), "reason": texts}),
)
rules = st.fixed_dictionaries(
    {"id": st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True), "name": texts,
     "when": conditions, "then": actions},
    optional={"description": texts},
)
rule_sets = st.fixed_dictionaries(
    {"name": texts, "rules": st.lists(rules, min_size=1, max_size=4, unique_by=lambda r: r["id"])},
    optional={"description": texts},
).map(RuleSet.model_validate)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sets)
def test_export_then_import_gives_the_same_rule_set(rule_set):
    exported = dump_rule_set(rule_set, header=["导出测试"])
    assert load_rule_set(exported) == rule_set
    assert dump_rule_set(load_rule_set(exported), header=["导出测试"]) == exported


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200),
                 json_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True))))
def test_any_input_either_loads_or_raises_only_the_rule_set_error(text):
    try:
        assert isinstance(load_rule_set(text), RuleSet)
    except RuleSetError as exc:
        assert exc.errors and all(error.msg for error in exc.errors)
        str(exc).encode("utf-8")  # printable as it is


@settings(max_examples=100, deadline=None)
@given(rule_sets, st.data())
def test_a_damaged_rule_raises_only_the_rule_set_error_naming_the_rule(rule_set, data):
    document = yaml.safe_load(dump_rule_set(rule_set))
    index = data.draw(st.integers(0, len(document["rules"]) - 1))
    rule = document["rules"][index]
    part = data.draw(st.sampled_from(["when", "then"]))
    key = data.draw(st.sampled_from([*rule[part], "unknown_key"]))
    rule[part][key] = data.draw(json_values)
    try:
        load_rule_set(yaml.safe_dump(document, allow_unicode=True))
    except RuleSetError as exc:
        assert any(f"第 {index + 1} 条" in error.msg for error in exc.errors)
        str(exc).encode("utf-8")


def test_errors_name_the_rule_and_the_field_in_chinese():
    text = """
name: 测试规则集
rules:
  - id: quota
    name: 罚款指标
    when:
      channel: [hotlin]
      keywords:
        any: [罚款指标]
    then:
      action: accept
  - id: quota
    name: 重复编号
    when: {region: ["9999"]}
    then: {action: transfer}
"""
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(text)
    messages = [error.msg for error in caught.value.errors]
    assert messages[0].startswith("规则“quota”（第 1 条）的 when.channel[0]（条件 › 渠道）：未知的渠道“hotlin”")
    assert messages[1] == ("规则“quota”（第 1 条）的 when.keywords.any（条件 › 关键词 › any）：这里没有这个键，"
                           "请检查拼写（可用：any_of、all_of、none_of）")
    assert messages[2] == "规则“quota”（第 2 条）的 when.region[0]（条件 › 地区）：没有以“9999”开头的行政区划代码"
    assert messages[3] == ("规则“quota”（第 2 条）的 then（处置）：转交须写明承办部门（target），"
                           "如 十堰市市场监督管理局")
    assert str(caught.value).startswith("规则集有 4 处错误：\n  - 规则“quota”")


@pytest.mark.parametrize(("text", "words"), [
    ("name: x\nrules:\n  - id: a\n    id: b\n", "第 4 行第 5 列：键“id”在同一处写了两次"),
    ("name: &n x\nrules: *n\n", "不能使用锚点引用"),
    ("name: x\nrules: [\n", "文件意外结束"),
    ("name: x\n\trules: []\n", "不能用制表符"),
    ("- 规则\n", "规则文件应由“name:”“rules:”等键值组成"),
    ("name: x\nrules: []\n", "规则集的 rules（规则）：至少要有 1 项"),
    ("name: x\nrules:\n  - id: 中文编号\n    name: 甲\n    when: {channel: [court]}\n"
     "    then: {action: accept}\n", "规则编号“中文编号”只能用英文字母、数字"),
    ("name: x\nrules:\n  - id: a\n    name: 甲\n    when: {}\n    then: {action: accept}\n",
     "每条规则至少要有一个条件"),
    ("name: x\nrules:\n  - {id: a, name: 甲, when: {channel: [court]}, then: {action: accept}}\n"
     "  - {id: a, name: 乙, when: {channel: [court]}, then: {action: accept}}\n",
     "规则编号“a”重复：第 1 条和第 2 条"),
])
def test_bad_files_get_one_plain_error_each(text, words):
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(text)
    assert words in str(caught.value)


def test_the_export_is_readable_chinese_with_codes_explained():
    exported = dump_rule_set(load_rule_set(DEFAULT.read_text(encoding="utf-8")), ["默认规则"])
    assert exported.startswith("# 默认规则\nname: 十堰市委依法治市办默认分办规则\n")
    assert "      category: [official_conduct]  # 不作为慢作为乱作为\n" in exported
    assert "      action: refer  # 移送\n      target: 十堰市纪委监委\n" in exported
    assert "      channel: [procuratorate, court]  # 检察院、法院\n" in exported


def test_chinese_names_are_kept_as_codes():
    loaded = load_rule_set("name: x\nrules:\n  - id: a\n    name: 甲\n    when:\n"
                           "      channel: [12345热线, 法院]\n      region: [4203]\n"
                           "    then: {action: 抄送, target: 十堰市司法局}\n")
    assert loaded.rules[0].when.channel == ["hotline", "court"]
    assert loaded.rules[0].when.region == ["4203"]
    assert loaded.rules[0].then.action == "cc"
