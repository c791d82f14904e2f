"""Routing a clue: the first rule whose conditions all hold proposes, and says why. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.route.conditions import Check, ClueFacts, Folded, Match, checks_for
from hub.route.language import ACTION_LABELS, Rule, RuleSet

NO_RULE_MATCHED = "没有规则匹配"
NO_SUBJECT = "（线索未写明被反映单位，对象待研判确定）"


@dataclass(frozen=True)
class Proposal:
    rule_id: str
    rule_name: str
    action: str  # accept | assign | refer | transfer | cc | decline
    target: str | None
    reason: str
    matched: tuple[Match, ...]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass(frozen=True)
class Routing:
    """What a rule set proposes for one clue; `proposal` is None when no rule matched."""

    rule_set_version: int | None  # None: a candidate rule set, not saved
    proposal: Proposal | None

    @property
    def reason(self) -> str:
        return self.proposal.reason if self.proposal else NO_RULE_MATCHED

    def summary(self) -> str:
        """One line for people, e.g. `建议移送 十堰市纪委监委（规则 x，第 2 版）：渠道为…`."""
        version = version_label(self.rule_set_version)
        proposal = self.proposal
        if proposal is None:
            return f"{NO_RULE_MATCHED}（{version}）"
        target = f" {proposal.target}" if proposal.target else ""
        why = "；".join(match.text for match in proposal.matched)
        return (f"建议{proposal.action_label}{target}（规则“{proposal.rule_name}”，"
                f"{proposal.rule_id}，{version}）：{why}")

    def as_dict(self) -> dict[str, Any]:
        proposal = self.proposal
        return {
            "rule_set_version": self.rule_set_version,
            "rule_id": proposal.rule_id if proposal else None,
            "rule_name": proposal.rule_name if proposal else None,
            "action": proposal.action if proposal else None,
            "target": proposal.target if proposal else None,
            "reason": self.reason,
            "matched": [m.as_dict() for m in proposal.matched] if proposal else [],
        }


def version_label(version: int | None) -> str:
    return "候选规则集" if version is None else f"规则集第 {version} 版"


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class CompiledRuleSet:
    version: int | None
    rule_set: RuleSet
    rules: tuple[CompiledRule, ...]


def compile_rule_set(rule_set: RuleSet, version: int | None) -> CompiledRuleSet:
    rules = tuple(CompiledRule(rule, tuple(checks_for(rule.when))) for rule in rule_set.rules)
    return CompiledRuleSet(version, rule_set, rules)


def evaluate(compiled: CompiledRuleSet, facts: ClueFacts) -> Routing:
    """The proposal of the first rule, in order, whose every condition holds."""
    text = Folded.of(facts)
    for candidate in compiled.rules:
        matched: list[Match] = []
        for check in candidate.checks:
            found = check(facts, text)
            if found is None:
                break
            matched.extend(found)
        else:
            return Routing(compiled.version, _proposal(candidate.rule, facts, matched))
    return Routing(compiled.version, None)


def _proposal(rule: Rule, facts: ClueFacts, matched: list[Match]) -> Proposal:
    then = rule.then
    target, reason = then.target, then.reason or rule.name
    if then.target_from == "first_subject":
        names = [str(s["name"]) for s in facts.subjects if s.get("name")]
        target = names[0] if names else None
        reason = reason if names else reason + NO_SUBJECT
    return Proposal(rule.id, rule.name, then.action, target, reason, tuple(matched))
