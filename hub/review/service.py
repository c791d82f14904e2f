"""Review actions: what the queue shows, what a clue's page shows, deciding."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.errors import Conflict, Forbidden, NotFound
from hub.handoffs.kinds import HANDOFF_KINDS
from hub.handoffs.repository import for_clue as handoffs_of_clue
from hub.intake.service import raw_aad
from hub.normalize.codes.raw_masking import mask_record
from hub.review import hand_off, repository
from hub.review.decisions import (
    KINDS,
    REVIEWABLE,
    STATUS_LABELS,
    DecisionRequest,
)
from hub.review.models import Decision
from hub.route.service import proposal_for
from hub.security.crypto import Cipher

KIND_LABELS = {kind: label for kind, (label, _) in KINDS.items()}


@dataclass
class ClueView:
    clue: Clue
    agency: Agency
    raw: RawRecord
    raw_shown: Any  # the raw record, parsed and masked
    events: list[ClueEvent]
    decisions: list[Decision]
    proposal: Any = None  # hub.route.service.ProposalView, or None before routing
    handoffs: list[Any] = field(default_factory=list)  # hub.handoffs.models.Handoff


def clue_view(session: Session, cipher: Cipher, clue_id: int) -> ClueView:
    found = repository.clue_with_source(session, clue_id)
    if found is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    clue, raw, agency = found
    events, decisions = repository.history(session, clue_id)
    return ClueView(clue, agency, raw, _raw_shown(cipher, raw, clue.raw_index), events, decisions,
                    proposal_for(session, clue_id), handoffs_of_clue(session, clue_id))


def _raw_shown(cipher: Cipher, raw: RawRecord, index: int | None) -> Any:
    if raw.purged_at is not None:
        return "（原始记录已按保存期限清除）"
    body = cipher.decrypt(raw.body_enc, raw_aad(raw.agency_id))
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return "（原始记录不是 JSON，含个人信息，不予显示）"
    if index is not None and isinstance(data, dict) and isinstance(data.get("clues"), list):
        data = data["clues"][index]  # a batch: show this clue's item only
    return mask_record(data)


def decide(session: Session, by: OfficePrincipal, clue_ids: list[int], request: DecisionRequest,
           via: str, *, cipher: Cipher | None = None, settings: Any = None,
           ip: str | None = None) -> list[Decision]:
    """One decision for each clue; all or none (a clue already decided stops the lot).
    Assign, refer, transfer and cc hand the clue off (hub.handoffs) to the target."""
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以研判线索")
    request = request.checked()
    clues = repository.clues_by_id(session, clue_ids)
    missing = set(clue_ids) - {c.id for c in clues}
    if missing:
        raise NotFound(f"没有找到线索 {sorted(missing)}")
    done = [c for c in clues if c.status not in REVIEWABLE]
    if done:
        names = "、".join(f"{c.id}（{STATUS_LABELS.get(c.status, c.status)}）" for c in done)
        raise Conflict(f"这些线索当前不是待研判状态：{names}")
    handing_off = request.kind in HANDOFF_KINDS
    if handing_off:
        receivers = hand_off.receivers_for(session, request)
        calendar = load_calendar(session)
    now = utcnow()
    bulk_id = secrets.token_hex(8) if len(clues) > 1 else None
    made = []
    for clue in clues:
        decision = Decision(clue_id=clue.id, kind=request.kind, target=request.target,
                            reason=request.reason, decided_by=by.user_id, decided_at=now,
                            via=via, bulk_id=bulk_id)
        session.add(decision)
        session.add(ClueEvent(clue_id=clue.id, at=now, actor=f"user:{by.username}",
                              action=f"decision.{request.kind}",
                              detail={"target": request.target, "reason": request.reason,
                                      "via": via, "bulk_id": bulk_id}))
        before = clue.status
        clue.status, clue.updated_at = request.status, now
        made.append(decision)
        if handing_off:
            session.flush()
            hand_off.create_for_decision(
                session, clue=clue, decision=decision, request=request, receivers=receivers,
                calendar=calendar, by=by, via=via, cipher=cipher, settings=settings, now=now)
    session.flush()
    for decision, clue in zip(made, clues, strict=True):
        audit.record(session, actor=audit.user_actor(by), action=f"decision.{request.kind}",
                     target=f"clue:{clue.id}", via=via, ip=ip, at=now,
                     before={"status": before}, after={
                         "status": clue.status, "decision": decision.id,
                         "target": request.target, "bulk_id": bulk_id})
    return made
