"""Rule set versions and stored proposals, for the CLI and the pages to come.

Functions take the caller's session and never commit: the caller's unit of work does.
Version 1 is always the shipped default (data/default_rules.yaml), saved on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub import audit, log
from hub.db.types import utcnow
from hub.errors import Conflict, NotFound
from hub.intake.present import clue_no
from hub.intake.service import clue_id_of as clue_id_of  # the clue a number names
from hub.route import repository
from hub.route.evaluate import CompiledRuleSet, compile_rule_set
from hub.route.language import ACTION_LABELS, RuleSet
from hub.route.rulefile import load_rule_set

DEFAULT_RULES = Path(__file__).parent / "data" / "default_rules.yaml"
DEFAULT_VERSION = 1


@cache
def default_yaml() -> str:
    return DEFAULT_RULES.read_text(encoding="utf-8")


@cache
def compiled_default() -> CompiledRuleSet:
    return compile_rule_set(load_rule_set(default_yaml()), DEFAULT_VERSION)


@dataclass(frozen=True)
class ActiveRuleSet:
    version: int
    rule_set: RuleSet
    yaml: str
    created_at: datetime
    created_by: str
    comment: str | None


@dataclass(frozen=True)
class VersionInfo:
    version: int
    active: bool
    created_at: datetime
    created_by: str
    comment: str | None
    rule_count: int


@dataclass(frozen=True)
class ProposalView:
    """A clue's stored proposal as pages and the CLI show it."""

    clue_id: int
    clue_no: str
    rule_set_version: int
    rule_id: str | None  # None: no rule matched
    rule_name: str | None
    action: str | None
    target: str | None
    reason: str
    matched: list[dict[str, Any]]
    created_at: datetime

    @property
    def action_label(self) -> str | None:
        return ACTION_LABELS.get(self.action) if self.action else None


def seed_default(session: Session, now: datetime | None = None) -> None:
    """Save the shipped rules as version 1, active, unless some version exists."""
    if repository.has_versions(session):
        return
    repository.insert_version(session, {
        "version": DEFAULT_VERSION, "created_at": now or utcnow(), "created_by": "system",
        "comment": "默认规则集（随系统提供）", "yaml": default_yaml(), "active": True,
    }, if_absent=True)


def get_active(session: Session) -> ActiveRuleSet:
    """The rule set in force (seeding version 1 on first use: commit afterwards)."""
    seed_default(session)
    version = repository.active_version(session)
    if version is None:
        raise NotFound("没有启用的规则集，请用 hub rules activate 启用一个版本")
    row = repository.get_version(session, version)
    return ActiveRuleSet(row.version, load_rule_set(row.yaml), row.yaml, row.created_at,
                         row.created_by, row.comment)


def save_version(session: Session, yaml_text: str, *, by: str, comment: str | None = None,
                 activate: bool = True) -> int:
    """Validate and save a new version (by default the active one); returns its number.
    Raises RuleSetError (422, Chinese, naming rule and field) for a bad file."""
    rule_set = load_rule_set(yaml_text)
    repository.lock_versions(session)
    seed_default(session)
    version = repository.latest_version(session) + 1
    try:
        repository.insert_version(session, {
            "version": version, "created_at": utcnow(), "created_by": by[:64],
            "comment": comment[:500] if comment else None, "yaml": yaml_text, "active": False,
        })
    except IntegrityError:
        raise Conflict("另一个规则集版本刚刚保存，请重新导入") from None
    if activate:
        repository.set_active(session, version)
    log.event("hub.route.rules_saved", version=version, rules=len(rule_set.rules),
              active=activate)
    audit.record(session, actor=_actor(by), action="rules.saved", target=f"rule_set:{version}",
                 via=_via(by), after={"version": version, "rules": len(rule_set.rules),
                                      "active": activate, "comment": comment})
    return version


def _actor(by: str) -> str:
    return by if by.startswith(("user:", "agency:", "system")) else f"system:{by[:57]}"


def _via(by: str) -> str:
    return "cli" if by.startswith("cli:") else "page" if by.startswith("user:") else "system"


def activate(session: Session, version: int, *, by: str) -> None:
    """Put a saved version back in force (e.g. undo a bad import)."""
    repository.lock_versions(session)
    if repository.get_version(session, version) is None:
        raise NotFound(f"没有规则集第 {version} 版")
    repository.set_active(session, version)
    log.event("hub.route.rules_activated", version=version, by=by)
    audit.record(session, actor=_actor(by), action="rules.activated", target=f"rule_set:{version}",
                 via=_via(by), after={"version": version})


def list_versions(session: Session) -> list[VersionInfo]:
    seed_default(session)
    return [VersionInfo(row.version, row.active, row.created_at, row.created_by, row.comment,
                        len(load_rule_set(row.yaml).rules))
            for row in repository.list_versions(session)]


def version_yaml(session: Session, version: int | None = None) -> tuple[int, str]:
    """The YAML text of a version exactly as saved (comments kept); default: the active one."""
    if version is None:
        active = get_active(session)
        return active.version, active.yaml
    seed_default(session)
    text = repository.yaml_of(session, version)
    if text is None:
        raise NotFound(f"没有规则集第 {version} 版")
    return version, text


def proposal_for(session: Session, clue_id: int) -> ProposalView | None:
    """The clue's current proposal, or None when it has not been routed yet."""
    row = repository.proposal(session, clue_id)
    received_at = repository.clue_received_at(session, clue_id)
    if row is None or received_at is None:
        return None
    return ProposalView(row.clue_id, clue_no(row.clue_id, received_at), row.rule_set_version,
                        row.rule_id, row.rule_name, row.action, row.target, row.reason,
                        list(row.matched or []), row.created_at)


def rules_in_force(session: Session) -> list[tuple[str, str]]:
    """(rule id, name) of the active rule set, in order (the shipped default before any is
    saved); reads only, for filters."""
    version = repository.active_version(session)
    text = repository.yaml_of(session, version) if version is not None else None
    rule_set = load_rule_set(text) if text is not None else compiled_default().rule_set
    return [(rule.id, rule.name) for rule in rule_set.rules]
