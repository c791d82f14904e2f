"""Reporter identity, and the names of the persons a clue's outcomes name, revealed only by
approval.

A section head or leader asks, with a reason, to see one of a clue's two kinds of identity
(`subject`: "reporter", or "persons" — those held accountable, sanctioned or handled); another
leader approves or refuses; for `HUB_REVEAL_VALID_HOURS` after approval the requester may see
that identity, and only that one. The request, the decision and every single reveal go to the
audit trail and the clue's history. Everyone else, and every other page, answer, ledger and
export, sees the masked form only.
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
SUBJECTS = {"reporter": "反映人身份", "persons": "处理人员姓名"}
# The history's and the trail's action names, by subject (the reporter's are the older ones).
_ACTIONS = {"reporter": "reporter", "persons": "persons"}


@dataclass(frozen=True)
class Where:
    """From where an action came, for the trail."""

    via: str = "page"
    ip: str | None = None


def _event(session: Session, clue_id: int, by: OfficePrincipal, action: str, now: datetime,
           **detail: Any) -> None:
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=f"user:{by.username}", action=action,
                          detail=detail))


def check_subject(subject: str) -> str:
    if subject not in SUBJECTS:
        raise InvalidInput([FieldError(["subject"], "查看对象应为 reporter（反映人身份）或 persons"
                                                    "（处理人员姓名）")])
    return subject


def request_reveal(session: Session, by: OfficePrincipal, clue_id: int, reason: str,
                   where: Where, now: datetime, subject: str = "reporter") -> RevealRequest:
    what = SUBJECTS[check_subject(subject)]
    if by.role not in REVEAL_ROLES:
        raise Forbidden(f"只有科长和领导可以申请查看{what}")
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput([FieldError(["reason"], f"请写明查看{what}的理由（至少 4 个字）")])
    clue = repository.clue(session, clue_id)
    if clue is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    if subject == "reporter" and clue.reporter_enc is None:
        raise Conflict("这条线索没有可查看的反映人信息（未提供、匿名或已按保存期限清除）")
    if subject == "persons" and not repository.named_persons(session, clue_id):
        raise Conflict("这条线索的办理结果没有可查看的处理人员姓名（未逐人登记或已按保存期限清除）")
    made = RevealRequest(clue_id=clue_id, subject=subject, requested_by=by.user_id,
                         reason=reason[:2000], requested_at=now, state="pending")
    session.add(made)
    session.flush()
    action = f"{_ACTIONS[subject]}.reveal_requested"
    _event(session, clue_id, by, action, now, request=made.id)
    audit.record(session, actor=audit.user_actor(by), action=action,
                 target=f"clue:{clue_id}", via=where.via, ip=where.ip, at=now,
                 after={"request": made.id, "reason_chars": len(reason)})
    return made


def decide_reveal(session: Session, by: OfficePrincipal, request_id: int, approve: bool,
                  note: str | None, where: Where, now: datetime,
                  valid_hours: int = 24) -> RevealRequest:
    if by.role not in APPROVER_ROLES:
        raise Forbidden("只有领导可以审批查看反映人身份或处理人员姓名的申请")
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
    prefix = _ACTIONS.get(found.subject, "reporter")
    action = f"{prefix}.reveal_approved" if approve else f"{prefix}.reveal_refused"
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
    approval = repository.approval_of(session, by.user_id, clue_id, now, "reporter")
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



def reveal_persons(session: Session, cipher: Cipher, by: OfficePrincipal, clue_id: int,
                   where: Where, now: datetime) -> list[dict[str, Any]]:
    """The persons the clue's outcomes name, their names in clear, for an approved requester
    only; recorded every time. A name retention erased stays masked (`erased`)."""
    from hub.handoffs.replies import person_aad

    if by.role not in REVEAL_ROLES:
        raise Forbidden("只有科长和领导经批准后可以查看处理人员姓名")
    approval = repository.approval_of(session, by.user_id, clue_id, now, "persons")
    if approval is None:
        raise Forbidden("查看处理人员姓名须先提出申请并经领导批准（批准在有效期内）")
    rows = repository.persons_of_clue(session, clue_id)
    if not any(person.name_enc is not None for person, _ in rows):
        raise Conflict("这条线索的处理人员姓名已按保存期限清除")
    out = []
    for person, handoff_number in rows:
        name = (cipher.decrypt(person.name_enc, person_aad(person.reply_id, person.position))
                .decode() if person.name_enc is not None else None)
        out.append({"handoff": handoff_number, "name": name, "name_masked": person.name_masked,
                    "erased": name is None, "post": person.post, "rank": person.rank,
                    "kind": person.kind, "measure": person.measure})
    _event(session, clue_id, by, "persons.revealed", now, request=approval.id)
    audit.record(session, actor=audit.user_actor(by), action="persons.revealed",
                 target=f"clue:{clue_id}", via=where.via, ip=where.ip, at=now,
                 after={"request": approval.id, "persons": sum(1 for p in out if p["name"])})
    return out
