"""The rule language: a rule set is an ordered list of rules, each `when` → `then`.

How a rule set is read (the same words are in data/default_rules.yaml for the office):

* Rules are tried top to bottom; the first rule whose conditions all hold gives the proposal.
  There is no priority field: the order in the file is the priority, as a reader sees it.
* Inside `when`, every condition written must hold (AND). Inside one condition the listed
  values are alternatives (OR), except `keywords.all_of` (each one) and `keywords.none_of`
  (none of them).
* A rule needs at least one condition, so a catch-all cannot hide "没有规则匹配".
* Channels, categories, fields, urgency, reference kinds and actions may be written as codes
  (`discipline`) or as their Chinese names (`纪委监委`); they are kept as codes.

These are pydantic models with extra="forbid": a misspelt key is an error, never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.normalize.classify import FIELD_LABELS
from hub.normalize.codes import check_credit_code, load_divisions

URGENCY_LABELS = {"normal": "一般", "important": "重要", "urgent": "紧急"}
URGENCY_ORDER = {code: rank for rank, code in enumerate(URGENCY_LABELS)}
REFERENCE_LABELS = {"case_number": "案号", "document_number": "文号"}
ACTION_LABELS = {"accept": "受理", "assign": "交办", "refer": "移送", "transfer": "转交",
                 "cc": "抄送", "decline": "不予受理"}
TARGET_FROM_LABELS = {"first_subject": "第一个被反映单位"}

_RULE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_REGION_PREFIX = re.compile(r"^(\d{2}|\d{4}|\d{6})$")


def _code_of(labels: dict[str, str], what: str) -> Callable[[Any], str]:
    """A validator taking a code or its Chinese name, giving the code."""
    by_label = {label: code for code, label in labels.items()}

    def check(value: Any) -> str:
        if isinstance(value, str):
            text = value.strip()
            if text in labels:
                return text
            if text in by_label:
                return by_label[text]
        choices = "、".join(f"{code}（{label}）" for code, label in labels.items())
        raise ValueError(f"未知的{what}“{value}”，可选：{choices}")

    return check


def _rule_id(value: Any) -> Any:
    if isinstance(value, str) and not _RULE_ID.match(value.strip()):
        raise ValueError(f"规则编号“{value}”只能用英文字母、数字和 - _ .，以字母或数字开头，"
                         "不超过 64 个字符")
    return value


@cache
def _known_prefixes() -> frozenset[str]:
    codes = [division.code for division in load_divisions()]
    return frozenset(code[:n] for code in codes for n in (2, 4, 6))


def _region_prefix(value: Any) -> Any:
    text = str(value).strip() if isinstance(value, str | int) else value
    if not isinstance(text, str) or not _REGION_PREFIX.match(text):
        raise ValueError(f"地区“{value}”应为行政区划代码或其前缀（2、4 或 6 位数字），"
                         "如 4203（十堰市）、420322（郧西县）")
    if text not in _known_prefixes():
        raise ValueError(f"没有以“{text}”开头的行政区划代码")
    return text


def region_name(prefix: str) -> str:
    """`4203` → `十堰市`, `420322` → `郧西县`; the prefix itself when no division has it."""
    return load_divisions().name(prefix.ljust(6, "0")) or prefix


def _credit_code(value: Any) -> Any:
    return check_credit_code(value) if isinstance(value, str) else value


def Text(max_length: int) -> Any:  # noqa: N802 - reads as a type in the models below
    return Annotated[str, Field(min_length=1, max_length=max_length)]


def Listed(item: Any, max_length: int = 200) -> Any:  # noqa: N802
    return Annotated[list[item], Field(min_length=1, max_length=max_length)]


ChannelCode = Annotated[str, BeforeValidator(_code_of(CHANNEL_LABELS, "渠道"))]
CategoryCode = Annotated[str, BeforeValidator(_code_of(CATEGORY_LABELS, "问题类别"))]
FieldCode = Annotated[str, BeforeValidator(_code_of(FIELD_LABELS, "执法领域"))]
UrgencyCode = Annotated[str, BeforeValidator(_code_of(URGENCY_LABELS, "紧急程度"))]
ReferenceCode = Annotated[str, BeforeValidator(_code_of(REFERENCE_LABELS, "文书类型"))]
ActionCode = Annotated[str, BeforeValidator(_code_of(ACTION_LABELS, "处置方式"))]
TargetFrom = Annotated[str, BeforeValidator(_code_of(TARGET_FROM_LABELS, "对象来源"))]
RegionPrefix = Annotated[str, BeforeValidator(_region_prefix)]
CreditCode = Annotated[str, BeforeValidator(_credit_code)]
RuleId = Annotated[str, BeforeValidator(_rule_id)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              coerce_numbers_to_str=True)

    def written(self) -> dict[str, Any]:
        """The fields the author wrote (None and empty lists left out), in declaration order."""
        return {k: v for k, v in self if v is not None and v != []}


class SubjectCondition(Strict):
    """Some subject unit of the clue matches one of these (OR)."""

    name_contains: Listed(Text(100)) = []
    name_equals: Listed(Text(200)) = []
    credit_code: Listed(CreditCode) = []

    @model_validator(mode="after")
    def _something(self) -> SubjectCondition:
        if not self.written():
            raise ValueError("被反映单位条件至少要写 name_contains、name_equals、credit_code 中的一项")
        return self


class KeywordCondition(Strict):
    """Words looked for in the title and content (case and full-width insensitive)."""

    any_of: Listed(Text(50)) = []
    all_of: Listed(Text(50)) = []
    none_of: Listed(Text(50)) = []

    @model_validator(mode="after")
    def _something(self) -> KeywordCondition:
        if not self.written():
            raise ValueError("关键词条件至少要写 any_of、all_of、none_of 中的一项")
        return self


class When(Strict):
    channel: Listed(ChannelCode, 20) | None = None
    category: Listed(CategoryCode, 20) | None = None
    field: Listed(FieldCode, 30) | None = None
    region: Listed(RegionPrefix) | None = None
    subject: SubjectCondition | None = None
    urgency: UrgencyCode | None = None  # at least this urgent
    keywords: KeywordCondition | None = None
    has_reference: Listed(ReferenceCode, 10) | None = None

    @model_validator(mode="after")
    def _something(self) -> When:
        if not self.written():
            raise ValueError("每条规则至少要有一个条件（本规则语言不设无条件的兜底规则，"
                             "没有规则匹配的线索由研判人员处理）")
        return self


_NAMED_TARGET = {"refer": "移送须写明接收机关（target），如 十堰市纪委监委",
                 "transfer": "转交须写明承办部门（target），如 十堰市市场监督管理局"}


class Then(Strict):
    action: ActionCode
    target: Text(200) | None = None
    target_from: TargetFrom | None = None
    reason: Text(500) | None = None

    @model_validator(mode="after")
    def _fits_action(self) -> Then:
        action, label = self.action, ACTION_LABELS[self.action]
        if action in ("accept", "decline") and (self.target or self.target_from):
            raise ValueError(f"{label}不需要对象，请删去 target / target_from")
        if action == "decline" and not self.reason:
            raise ValueError("不予受理须写明理由（reason）")
        if self.target and self.target_from:
            raise ValueError("target 与 target_from 只能写一个")
        if action in _NAMED_TARGET and not self.target:
            raise ValueError(_NAMED_TARGET[action])
        if action in ("assign", "cc") and not (self.target or self.target_from):
            raise ValueError(f"{label}须写明对象：target（单位名称）或 "
                             "target_from: first_subject（线索的第一个被反映单位）")
        return self


class Rule(Strict):
    id: RuleId
    name: Text(100)
    description: Text(1000) | None = None
    when: When
    then: Then


class RuleSet(Strict):
    name: Text(200)
    description: Text(2000) | None = None
    rules: Listed(Rule, 1000)

    @model_validator(mode="after")
    def _unique_ids(self) -> RuleSet:
        seen: dict[str, int] = {}
        for number, rule in enumerate(self.rules, start=1):
            if rule.id in seen:
                raise ValueError(f"规则编号“{rule.id}”重复：第 {seen[rule.id]} 条和第 {number} 条")
            seen[rule.id] = number
        return self
