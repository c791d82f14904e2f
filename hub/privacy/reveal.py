"""Reporter identity, revealed only by approval.

A section head or leader asks, with a reason; another leader approves or refuses; for
`HUB_REVEAL_VALID_HOURS` after approval the requester may see the identity. The request,
the decision and every single reveal go to the audit trail and the clue's history.
Everyone else, and every other page, answer and export, sees the masked form only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.models import ClueEvent
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.intake.service import reporter_aad
from hub.privacy import repository
from hub.privacy.models import RevealRequest
from hub.security.crypto import Cipher

REVEAL_ROLES = frozenset({"section_head", "leader"})  # SPEC §3: 科长/领导, audited
APPROVER_ROLES = frozenset({"leader"})
STATE_LABELS = {"pending": "待审批", "approved": "已批准", "refused": "未批准"}


@dataclass(frozen=True)
class Where:
    """From where an action came, for the trail."""

    via: str = "page"
    ip: str | None = None


def _event(session: Session, clue_id: int, by: OfficePrincipal, action: str, now: datetime,
           **detail: Any) -> None:
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=f"user:{by.username}", action=action,
                          detail=detail))


def request_reveal(session: Session, by: OfficePrincipal, clue_id: int, reason: str,
                   where: Where, now: datetime) -> RevealRequest:
    if by.role not in REVEAL_ROLES:
        raise Forbidden("只有科长和领导可以申请查看反映人身份")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput([FieldError(["reason"], "请写明查看反映人身份的理由（至少 4 个字）")])
    clue = repository.clue(session, clue_id)
    if clue is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    if clue.reporter_enc is None:
        raise Conflict("这条线索没有可查看的反映人信息（未提供、匿名或已按保存期限清除）")
    made = RevealRequest(clue_id=clue_id, requested_by=by.user_id, reason=reason[:2000],
                         requested_at=now, state="pending")
    session.add(made)
    session.flush()
    _event(session, clue_id, by, "reporter.reveal_requested", now, request=made.id)
    audit.record(session, actor=audit.user_actor(by), action="reporter.reveal_requested",
                 target=f"clue:{clue_id}", via=where.via, ip=where.ip, at=now,
                 after={"request": made.id, "reason_chars": len(reason)})
    return made


def decide_reveal(session: Session, by: OfficePrincipal, request_id: int, approve: bool,
                  note: str | None, where: Where, now: datetime,
                  valid_hours: int = 24) -> RevealRequest:
    if by.role not in APPROVER_ROLES:
        raise Forbidden("只有领导可以审批查看反映人身份的申请")
    found = repository.request_for_update(session, request_id)
    if found is None:
        raise NotFound(f"没有找到申请 {request_id}")
    if found.requested_by == by.user_id:
        raise Forbidden("不能审批自己提出的申请，请由另一位领导审批")
    if found.state != "pending":
        raise Conflict(f"这项申请已审批（{STATE_LABELS[found.state]}），不能再次审批")
    found.state = "approved" if approve else "refused"
    found.decided_by, found.decided_at = by.user_id, now
    found.decision_note = (note or "").strip() or None
    found.expires_at = now + timedelta(hours=valid_hours) if approve else None
    action = "reporter.reveal_approved" if approve else "reporter.reveal_refused"
    _event(session, found.clue_id, by, action, now, request=found.id)
    audit.record(session, actor=audit.user_actor(by), action=action,
                 target=f"clue:{found.clue_id}", via=where.via, ip=where.ip, at=now,
                 before={"state": "pending"},
                 after={"request": found.id, "state": found.state,
                        "requested_by": found.requested_by,
                        "expires_at": found.expires_at.isoformat() if found.expires_at else None})
    return found


def reveal(session: Session, cipher: Cipher, by: OfficePrincipal, clue_id: int, where: Where,
           now: datetime) -> dict[str, Any]:
    """The reporter block in clear, for an approved requester only; recorded every time."""
    if by.role not in REVEAL_ROLES:
        raise Forbidden("只有科长和领导经批准后可以查看反映人身份")
    approval = repository.approval_of(session, by.user_id, clue_id, now)
    if approval is None:
        raise Forbidden("查看反映人身份须先提出申请并经领导批准（批准在有效期内）")
    clue = repository.clue(session, clue_id)
    if clue is None or clue.reporter_enc is None:
        raise Conflict("这条线索的反映人信息已按保存期限清除")
    reporter = orjson.loads(cipher.decrypt(clue.reporter_enc,
                                           reporter_aad(clue.agency_id, clue.source_ref)))
    _event(session, clue_id, by, "reporter.revealed", now, request=approval.id)
    audit.record(session, actor=audit.user_actor(by), action="reporter.revealed",
                 target=f"clue:{clue_id}", via=where.via, ip=where.ip, at=now,
                 after={"request": approval.id, "fields": sorted(k for k, v in reporter.items()
                                                                  if v not in (None, False))})
    return reporter

