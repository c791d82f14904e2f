"""Decisions a section head approves: a reviewer's referral or decline (as configured) is
proposed, then approved (made in the approver's name) or sent back with a reason."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.models import ClueEvent
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.handoffs.kinds import HANDOFF_KINDS
from hub.intake.present import clue_no
from hub.review import hand_off, repository
from hub.review.deciding import decide, reviewable
from hub.review.decisions import KIND_LABELS, DecisionRequest
from hub.review.merging import merge_target
from hub.review.models import Decision, DecisionProposal
from hub.security.crypto import Cipher

APPROVERS = frozenset({"section_head", "leader"})


def needs_approval(by: OfficePrincipal, kind: str, settings: Any = None) -> bool:
    """A reviewer's referral or decline (as configured) waits for a section head."""
    kinds = getattr(settings, "decision_approval_kinds", None)
    if kinds is None:
        kinds = ["refer", "decline"]
    return by.role not in APPROVERS and kind in kinds


def decide_or_propose(session: Session, by: OfficePrincipal, clue_ids: list[int],
                      request: DecisionRequest, via: str, *, cipher: Cipher | None = None,
                      settings: Any = None, ip: str | None = None) -> str:
    """Decide, or (a reviewer's referral or decline) propose for approval; the message."""
    if not needs_approval(by, request.kind, settings):
        made = decide(session, by, clue_ids, request, via, cipher=cipher, settings=settings, ip=ip)
        own = made[:len(clue_ids)]
        message = f"已对 {len(own)} 条线索作出决定：{KIND_LABELS[request.kind]}"
        if request.kind == "merge":
            message += f"，并入 {own[0].target}"
        if len(made) > len(own):
            message += f"；同时将本组 {len(made) - len(own)} 条重复线索并入主线索"
        return message
    proposals = propose(session, by, clue_ids, request, via, ip=ip)
    return (f"已提交科长审批：{KIND_LABELS[request.kind]}（{len(proposals)} 条线索），"
            "审批前线索仍为待研判")


def propose(session: Session, by: OfficePrincipal, clue_ids: list[int], request: DecisionRequest,
            via: str, *, ip: str | None = None) -> list[DecisionProposal]:
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以研判线索")
    request = request.checked()
    clues = reviewable(session, clue_ids)
    waiting = repository.pending_proposals(session, [c.id for c in clues])
    if waiting:
        raise Conflict("这些线索已有待科长审批的决定：" + "、".join(
            str(p.clue_id) for p in waiting))
    if request.kind in HANDOFF_KINDS:  # a receiver that matches nothing is said now, not later
        regions = {c.region_code for c in clues}
        hand_off.receivers_for(session, request, regions.pop() if len(regions) == 1 else None)
    if request.kind == "merge":  # so is a clue that cannot be merged into
        into = merge_target(session, request.target or "", clues)
        request = replace(request, target=clue_no(into.id, into.received_at))
    now = utcnow()
    stored = {"target": request.target, "with_duplicates": request.with_duplicates, "reason": request.reason,
              "co_handlers": list(request.co_handlers), "instructions": request.instructions,
              "reply_days": request.reply_days, "complete_days": request.complete_days,
              "share_reporter": request.share_reporter}
    made = []
    for clue in clues:
        proposal = DecisionProposal(clue_id=clue.id, kind=request.kind, request=stored,
                                    proposed_by=by.user_id, proposed_at=now, state="pending")
        session.add(proposal)
        session.add(ClueEvent(clue_id=clue.id, at=now, actor=f"user:{by.username}",
                              action="decision.proposed",
                              detail={"kind": request.kind, "target": request.target,
                                      "reason": request.reason, "via": via}))
        made.append(proposal)
    session.flush()
    for proposal in made:
        audit.record(session, actor=audit.user_actor(by), action="decision.proposed",
                     target=f"clue:{proposal.clue_id}", via=via, ip=ip, at=now,
                     after={"proposal": proposal.id, "kind": request.kind,
                            "target": request.target})
    return made


def approve(session: Session, by: OfficePrincipal, proposal_id: int, via: str, *,
            cipher: Cipher | None = None, settings: Any = None, ip: str | None = None) -> Decision:
    """The section head approves: the proposed decision is made, in the approver's name."""
    proposal = _pending(session, by, proposal_id)
    stored = proposal.request
    request = DecisionRequest(proposal.kind, stored.get("target"), stored.get("reason"),
                              co_handlers=tuple(stored.get("co_handlers") or ()),
                              instructions=stored.get("instructions"),
                              reply_days=stored.get("reply_days"),
                              complete_days=stored.get("complete_days"),
                              share_reporter=bool(stored.get("share_reporter")),
                              with_duplicates=bool(stored.get("with_duplicates")))
    now = utcnow()
    proposal.state, proposal.settled_by, proposal.settled_at = "approved", by.user_id, now
    session.add(ClueEvent(clue_id=proposal.clue_id, at=now, actor=f"user:{by.username}",
                          action="decision.approved",
                          detail={"kind": proposal.kind, "target": request.target,
                                  "proposal": proposal.id, "via": via}))
    session.flush()
    made = decide(session, by, [proposal.clue_id], request, via, cipher=cipher,
                  settings=settings, ip=ip)
    audit.record(session, actor=audit.user_actor(by), action="decision.approved",
                 target=f"clue:{proposal.clue_id}", via=via, ip=ip, at=now,
                 after={"proposal": proposal.id, "decision": made[0].id})
    return made[0]


def send_back(session: Session, by: OfficePrincipal, proposal_id: int, note: str, via: str, *,
              ip: str | None = None) -> DecisionProposal:
    """The section head sends the proposal back with a reason; the clue stays pending."""
    proposal = _pending(session, by, proposal_id)
    note = (note or "").strip()
    if not note:
        raise InvalidInput([FieldError(["note"], "退回时必须填写意见")])
    now = utcnow()
    proposal.state, proposal.settled_by, proposal.settled_at = "returned", by.user_id, now
    proposal.note = note[:2000]
    session.add(ClueEvent(clue_id=proposal.clue_id, at=now, actor=f"user:{by.username}",
                          action="decision.returned",
                          detail={"kind": proposal.kind, "reason": proposal.note,
                                  "proposal": proposal.id, "via": via}))
    audit.record(session, actor=audit.user_actor(by), action="decision.returned",
                 target=f"clue:{proposal.clue_id}", via=via, ip=ip, at=now,
                 after={"proposal": proposal.id, "note": proposal.note})
    return proposal


def _pending(session: Session, by: OfficePrincipal, proposal_id: int) -> DecisionProposal:
    if by.role not in APPROVERS:
        raise Forbidden("只有科长和领导可以审批移送、不予受理等决定")
    proposal = repository.proposal(session, proposal_id)
    if proposal is None:
        raise NotFound(f"没有找到待审批的决定 {proposal_id}")
    if proposal.state != "pending":
        raise Conflict("这项决定已经审批过了")
    return proposal
