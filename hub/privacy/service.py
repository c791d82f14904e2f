"""What the clue page shows about personal data, and legal holds (法律保留) on clues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.models import Clue, ClueEvent
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.privacy import repository
from hub.privacy.models import LegalHold, RevealRequest
from hub.privacy.reveal import REVEAL_ROLES, Where

HOLD_ROLES = frozenset({"section_head", "leader", "admin"})
EARLIER_SHOWN = 20


@dataclass
class PrivacyPanel:
    earlier: list[Clue] = field(default_factory=list)  # the same reporter, earlier clues
    earlier_count: int = 0
    hold: LegalHold | None = None
    can_request: bool = False
    can_hold: bool = False
    approval: RevealRequest | None = None
    requests: list[RevealRequest] = field(default_factory=list)
    purged: bool = False
    # the persons the clue's outcomes name: how many still named, and the same reveal flow
    persons_named: int = 0
    can_request_persons: bool = False
    persons_approval: RevealRequest | None = None
    persons_requests: list[RevealRequest] = field(default_factory=list)


def earlier_clues(session: Session, clue: Clue) -> tuple[int, list[Clue]]:
    """Clues received before this one whose reporter has the same phone or ID number,
    matched on blind indexes only: nothing is decrypted."""
    rows = repository.same_reporter_before(session, clue)
    return len(rows), rows[:EARLIER_SHOWN]


def panel(session: Session, clue: Clue, user: OfficePrincipal, now: datetime) -> PrivacyPanel:
    count, earlier = earlier_clues(session, clue)
    mine = repository.requests_for(session, clue.id, user.user_id)
    named = repository.named_persons(session, clue.id)
    return PrivacyPanel(
        earlier=earlier, earlier_count=count, hold=active_hold(session, clue.id),
        can_request=user.role in REVEAL_ROLES and clue.reporter_enc is not None,
        can_hold=user.role in HOLD_ROLES,
        approval=repository.approval_of(session, user.user_id, clue.id, now, "reporter"),
        requests=[r for r in mine if r.subject == "reporter"],
        purged=bool(clue.reporter_masked and clue.reporter_masked.get("purged")),
        persons_named=named, can_request_persons=user.role in REVEAL_ROLES and named > 0,
        persons_approval=(repository.approval_of(session, user.user_id, clue.id, now, "persons")
                          if named else None),
        persons_requests=[r for r in mine if r.subject == "persons"])


def active_hold(session: Session, clue_id: int) -> LegalHold | None:
    return repository.active_hold(session, clue_id)


def set_hold(session: Session, clue_id: int, reason: str, *, actor: str, by_name: str,
             where: Where, now: datetime) -> LegalHold:
    """Stop retention for a clue (e.g. a case is open, a complaint is pending)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput([FieldError(["reason"], "设置法律保留必须填写理由")])
    if repository.clue(session, clue_id) is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    if active_hold(session, clue_id) is not None:
        raise Conflict("这条线索已处于法律保留状态")
    hold = LegalHold(clue_id=clue_id, reason=reason[:2000], set_by=by_name, set_at=now)
    session.add(hold)
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=by_name, action="legal_hold.set",
                          detail={"reason": reason[:2000]}))
    session.flush()
    audit.record(session, actor=actor, action="legal_hold.set", target=f"clue:{clue_id}",
                 via=where.via, ip=where.ip, at=now, after={"hold": hold.id})
    return hold


def release_hold(session: Session, clue_id: int, *, actor: str, by_name: str, where: Where,
                 now: datetime) -> LegalHold:
    hold = active_hold(session, clue_id)
    if hold is None:
        raise Conflict("这条线索没有处于法律保留状态")
    hold.released_at, hold.released_by = now, by_name
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=by_name, action="legal_hold.released",
                          detail={}))
    audit.record(session, actor=actor, action="legal_hold.released", target=f"clue:{clue_id}",
                 via=where.via, ip=where.ip, at=now, before={"hold": hold.id})
    return hold


def check_hold_role(user: OfficePrincipal) -> None:
    if user.role not in HOLD_ROLES:
        raise Forbidden("只有科长、领导和管理员可以设置或解除法律保留")
