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
from hub.db.guards import check_all_editable, check_editable
from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.handoffs import service as handoff_service
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
from hub.review.models import Decision, DecisionProposal
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
    check_all_editable(session, [c.id for c in clues], "研判")
    done = [c for c in clues if c.status not in REVIEWABLE]
    if done:
        names = "、".join(f"{c.id}（{STATUS_LABELS.get(c.status, c.status)}）" for c in done)
        raise Conflict(f"这些线索当前不是待研判状态：{names}")
    for waiting in repository.pending_proposals(session, [c.id for c in clues]):
        if waiting.state == "pending" and waiting.settled_by is None:
            waiting.state, waiting.settled_by, waiting.settled_at = "superseded", by.user_id, utcnow()
    handing_off = request.kind in HANDOFF_KINDS
    if handing_off:
        regions = {c.region_code for c in clues}
        receivers = hand_off.receivers_for(session, request,
                                           regions.pop() if len(regions) == 1 else None)
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


def decision_form(session: Session, view: ClueView, settings: Any = None) -> dict[str, Any]:
    """The decision form as the routing proposal fills it: the kind, the receiver resolved
    to its full name, the deadlines of that kind (working days)."""
    from hub.handoffs.receivers import proposed_receiver

    p = view.proposal
    kind = p.action if p and p.action in KINDS and p.action != "merge" else "accept"
    reply, complete = handoff_service.default_deadline_days(kind, settings)
    return {"kind": kind,
            "target": proposed_receiver(session, p.target, view.clue.region_code) if p else "",
            "reason": "", "co_handlers": "", "instructions": "",
            "reply_days": str(reply), "complete_days": str(complete), "share_reporter": False,
            "deadlines": {k: handoff_service.default_deadline_days(k, settings)
                          for k in HANDOFF_KINDS}}


# -- decisions a section head approves --------------------------------------------------------

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
        return f"已对 {len(made)} 条线索作出决定：{KIND_LABELS[request.kind]}"
    proposals = propose(session, by, clue_ids, request, via, ip=ip)
    return (f"已提交科长审批：{KIND_LABELS[request.kind]}（{len(proposals)} 条线索），"
            "审批前线索仍为待研判")


def propose(session: Session, by: OfficePrincipal, clue_ids: list[int], request: DecisionRequest,
            via: str, *, ip: str | None = None) -> list[DecisionProposal]:
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以研判线索")
    request = request.checked()
    clues = _reviewable(session, clue_ids)
    waiting = repository.pending_proposals(session, [c.id for c in clues])
    if waiting:
        raise Conflict("这些线索已有待科长审批的决定：" + "、".join(
            str(p.clue_id) for p in waiting))
    if request.kind in HANDOFF_KINDS:  # a receiver that matches nothing is said now, not later
        regions = {c.region_code for c in clues}
        hand_off.receivers_for(session, request, regions.pop() if len(regions) == 1 else None)
    now = utcnow()
    stored = {"target": request.target, "reason": request.reason,
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
                              share_reporter=bool(stored.get("share_reporter")))
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


def _reviewable(session: Session, clue_ids: list[int]) -> list[Clue]:
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


# -- owners and internal notes ------------------------------------------------------------------

def assign_owner(session: Session, by: OfficePrincipal, clue_id: int, user_id: int | None,
                 via: str, *, ip: str | None = None) -> str:
    """A section head assigns the clue to a reviewer (承办人); a reviewer takes it (user_id
    None or their own). Returns the owner's name."""
    from hub.accounts.models import OfficeUser

    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以承办线索")
    target = user_id if user_id is not None else by.user_id
    if target != by.user_id and by.role not in APPROVERS:
        raise Forbidden("只有科长和领导可以把线索分配给别人；科员可以自己承办")
    user = session.get(OfficeUser, target)
    if user is None or not user.active or user.role not in ("reviewer", "section_head",
                                                              "leader"):
        raise InvalidInput([FieldError(["owner"], "承办人应为在岗的科员或科长")])
    if session.get(Clue, clue_id) is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    check_editable(session, clue_id, "更换承办人")
    now = utcnow()
    before = repository.owner_of(session, clue_id)
    before_id = before.user_id if before else None
    repository.set_owner(session, clue_id, target, by.user_id, now)
    taken = target == by.user_id
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=f"user:{by.username}",
                          action="owner.taken" if taken else "owner.assigned",
                          detail={"owner": user.username, "owner_name": user.display_name,
                                  "via": via}))
    audit.record(session, actor=audit.user_actor(by), action="clue.owner_set",
                 target=f"clue:{clue_id}", via=via, ip=ip, at=now,
                 before={"owner": before_id}, after={"owner": target})
    return user.display_name


def add_note(session: Session, by: OfficePrincipal, clue_id: int, text: str, via: str, *,
             ip: str | None = None) -> None:
    """An internal note (内部备注): office only, kept in the clue's history."""
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以写内部备注")
    text = (text or "").strip()
    if not text:
        raise InvalidInput([FieldError(["note"], "备注不能为空")])
    if len(text) > 2000 or "\x00" in text:
        raise InvalidInput([FieldError(["note"], "备注最多 2000 字，且不能含 NUL 字符")])
    if session.get(Clue, clue_id) is None:
        raise NotFound(f"没有找到线索 {clue_id}")
    check_editable(session, clue_id, "写内部备注")
    now = utcnow()
    session.add(ClueEvent(clue_id=clue_id, at=now, actor=f"user:{by.username}", action="note",
                          detail={"note": text, "via": via}))
    audit.record(session, actor=audit.user_actor(by), action="clue.note_added",
                 target=f"clue:{clue_id}", via=via, ip=ip, at=now, after={"length": len(text)})


@dataclass
class MyWork:
    clues: list[Clue]
    verify: list[Any]  # hand-offs replied: waiting for 验收
    returned: list[Any]  # hand-offs the receiver returned
    approvals: list[DecisionProposal]  # for section heads: waiting on me
    sent_back: list[DecisionProposal]  # my proposals a section head sent back (pending clues)
    clue_numbers: dict[int, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return (len(self.clues) + len(self.verify) + len(self.returned) + len(self.approvals)
                + len(self.sent_back))


def my_work(session: Session, user: OfficePrincipal) -> MyWork:
    """我的待办: what is mine and waiting on me."""
    from hub.intake.present import clue_no

    clues = repository.my_clues(session, user.user_id)
    verify = repository.my_handoffs(session, user.user_id, ("replied",))
    returned = [h for h in repository.my_handoffs(session, user.user_id, ("returned",))
                if getattr(h, "returned_by", None) != "office"]
    approvals = repository.pending_proposals(session) if user.role in APPROVERS else []
    sent_back = [p for p in repository.returned_proposals(session, user.user_id)]
    ids = {p.clue_id for p in approvals + sent_back}
    numbers = {c.id: clue_no(c.id, c.received_at) for c in repository.clues_by_ids(session, list(ids))}
    return MyWork(clues, verify, returned, approvals, sent_back, numbers)
