"""The rules page says each rule in Chinese and puts each error on its line."""

from __future__ import annotations

import pytest

from hub.route.describe import action, conditions, line_of
from hub.route.messages import RuleSetError
from hub.route.rulefile import load_rule_set

RULES = """name: 测试规则
rules:
  - id: court-cc
    name: 法院线索抄送
    when:
      channel: [court, 12345热线]
      region: ['420322']
      urgency: important
      keywords:
        any_of: [罚款]
        none_of: [消费]
    then:
      action: cc
      target: 十堰市中级人民法院
  - id: discipline
    name: 移送纪委
    when:
      subject:
        name_contains: [交通]
    then:
      action: refer
      target: 十堰市纪委监委
      reason: 涉嫌违纪
"""


def test_conditions_and_action_in_chinese():
    first, second = load_rule_set(RULES).rules
    assert conditions(first) == [
        "渠道为“法院”或“12345热线”", "紧急程度不低于“重要”", "地区在郧西县（420322）范围内",
        "标题或内容出现“罚款”中任一个", "标题和内容均不出现“消费”"]
    assert action(first) == "建议抄送：十堰市中级人民法院"
    assert conditions(second) == ["被反映单位名称包含“交通”之一"]
    assert action(second) == "建议移送：十堰市纪委监委（理由：涉嫌违纪）"


@pytest.mark.parametrize(("broken", "line"), [
    (RULES.replace("      channel:", "      chanel:"), 6),
    (RULES.replace("      target: 十堰市纪委监委\n", ""), 20),
    (RULES.replace("        name_contains: [交通]", "        name_contains: []"), 19),
])
def test_each_error_is_put_on_its_line(broken, line):
    with pytest.raises(RuleSetError) as caught:
        load_rule_set(broken)
    assert [line_of(broken, error.loc) for error in caught.value.errors] == [line]


def test_a_place_that_is_not_in_the_text_has_no_line():
    assert line_of("name: x\n", ["rules", 3, "when"]) == 1
    assert line_of(": : :", ["rules"]) is None
