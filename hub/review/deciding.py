"""Deciding on clues: one decision for each, all or none; a hand-off or a merge made with it."""

from __future__ import annotations

import secrets
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.db.guards import check_all_editable
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.errors import Conflict, Forbidden, NotFound
from hub.handoffs.kinds import HANDOFF_KINDS
from hub.intake.present import clue_no
from hub.review import hand_off, repository
from hub.review.decisions import REVIEWABLE, STATUS_LABELS, DecisionRequest
from hub.review.merging import lead_duplicates, merge_target, record_merge, settle_duplicate
from hub.review.models import Decision
from hub.security.crypto import Cipher


def decide(session: Session, by: OfficePrincipal, clue_ids: list[int], request: DecisionRequest,
           via: str, *, cipher: Cipher | None = None, settings: Any = None,
           ip: str | None = None) -> list[Decision]:
    """One decision for each clue; all or none (a clue already decided stops the lot).
    Assign, refer, transfer and cc hand the clue off (hub.handoffs) to the target; merge
    points the clue at the one it duplicates (`target`, a clue number). With
    `with_duplicates`, a cluster lead's still-pending duplicates are merged into it by the
    same decision; their decisions follow the clues' own in the list returned."""
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以研判线索")
    request = request.checked()
    clues = reviewable(session, clue_ids)
    into = None
    if request.kind == "merge":
        into = merge_target(session, request.target or "", clues)
        request = replace(request, target=clue_no(into.id, into.received_at))
    duplicates = lead_duplicates(session, clues) if request.with_duplicates else {}
    settled = [c.id for c in clues] + [d.id for ds in duplicates.values() for d in ds]
    for waiting in repository.pending_proposals(session, settled):
        if waiting.state == "pending" and waiting.settled_by is None:
            waiting.state, waiting.settled_by, waiting.settled_at = "superseded", by.user_id, utcnow()
    handing_off = request.kind in HANDOFF_KINDS
    if handing_off:
        regions = {c.region_code for c in clues}
        receivers = hand_off.receivers_for(session, request,
                                           regions.pop() if len(regions) == 1 else None)
        calendar = load_calendar(session)
    now = utcnow()
    bulk_id = secrets.token_hex(8) if len(clues) > 1 or duplicates else None
    made = []
    before = {c.id: c.status for c in clues}
    for clue in clues:
        decision = Decision(clue_id=clue.id, kind=request.kind, target=request.target,
                            reason=request.reason, decided_by=by.user_id, decided_at=now,
                            via=via, bulk_id=bulk_id)
        session.add(decision)
        session.add(ClueEvent(clue_id=clue.id, at=now, actor=f"user:{by.username}",
                              action=f"decision.{request.kind}",
                              detail={"target": request.target, "reason": request.reason,
                                      "via": via, "bulk_id": bulk_id}))
        clue.status, clue.updated_at = request.status, now
        made.append(decision)
        if handing_off:
            session.flush()
            hand_off.create_for_decision(
                session, clue=clue, decision=decision, request=request, receivers=receivers,
                calendar=calendar, by=by, via=via, cipher=cipher, settings=settings, now=now)
        if into is not None:
            session.flush()
            record_merge(session, by, clue, into, decision, via, now)
    session.flush()
    for decision, clue in zip(made, clues, strict=True):
        audit.record(session, actor=audit.user_actor(by), action=f"decision.{request.kind}",
                     target=f"clue:{clue.id}", via=via, ip=ip, at=now,
                     before={"status": before[clue.id]}, after={
                         "status": clue.status, "decision": decision.id,
                         "target": request.target, "bulk_id": bulk_id})
    for decision, lead in zip(list(made), clues, strict=True):
        for duplicate in duplicates.get(lead.id, []):
            made.append(settle_duplicate(session, by, duplicate, lead, decision, via, now,
                                         bulk_id, ip))
    return made



def reviewable(session: Session, clue_ids: list[int]) -> list[Clue]:
    """The clues, locked, each waiting for review (else NotFound or Conflict naming them)."""
    clues = repository.clues_by_id(session, clue_ids)
    missing = set(clue_ids) - {c.id for c in clues}
    if missing:
        raise NotFound(f"没有找到线索 {sorted(missing)}")
    check_all_editable(session, [c.id for c in clues], "研判")
    done = [c for c in clues if c.status not in REVIEWABLE]
    if done:
        names = "、".join(f"{c.id}（{STATUS_LABELS.get(c.status, c.status)}）" for c in done)
        raise Conflict(f"这些线索当前不是待研判状态：{names}")
    return clues
