"""Review actions: what the queue shows, what a clue's page shows, deciding."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.calendar.service import load_calendar
from hub.correlate import service as correlation
from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.db.types import utcnow
from hub.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from hub.handoffs import service as handoff_service
from hub.handoffs.kinds import HANDOFF_KINDS
from hub.handoffs.repository import for_clue as handoffs_of_clue
from hub.intake.present import clue_no, parse_clue_no
from hub.intake.service import raw_aad
from hub.normalize.codes.raw_masking import mask_record
from hub.review import hand_off, repository
from hub.review.decisions import (
    KINDS,
    REVIEWABLE,
    STATUS_LABELS,
    DecisionRequest,
)
from hub.review.models import ClueMerge, Decision, DecisionProposal, SavedFilter
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
    Assign, refer, transfer and cc hand the clue off (hub.handoffs) to the target; merge
    points the clue at the one it duplicates (`target`, a clue number). With
    `with_duplicates`, a cluster lead's still-pending duplicates are merged into it by the
    same decision; their decisions follow the clues' own in the list returned."""
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以研判线索")
    request = request.checked()
    clues = _reviewable(session, clue_ids)
    into = None
    if request.kind == "merge":
        into = _merge_target(session, request.target or "", clues)
        request = replace(request, target=clue_no(into.id, into.received_at))
    duplicates = _duplicates(session, clues) if request.with_duplicates else {}
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
            _record_merge(session, by, clue, into, decision, via, now)
    session.flush()
    for decision, clue in zip(made, clues, strict=True):
        audit.record(session, actor=audit.user_actor(by), action=f"decision.{request.kind}",
                     target=f"clue:{clue.id}", via=via, ip=ip, at=now,
                     before={"status": before[clue.id]}, after={
                         "status": clue.status, "decision": decision.id,
                         "target": request.target, "bulk_id": bulk_id})
    for decision, lead in zip(list(made), clues, strict=True):
        for duplicate in duplicates.get(lead.id, []):
            made.append(_settle_duplicate(session, by, duplicate, lead, decision, via, now,
                                          bulk_id, ip))
    return made


def _merge_target(session: Session, number: str, clues: list[Clue]) -> Clue:
    """The clue the duplicates are merged into: it exists, is none of them, is not merged."""
    number = number.strip().upper()
    parsed = parse_clue_no(number)
    if parsed is None:
        raise InvalidInput([FieldError(["target"], f"并入线索“{number}”不是线索编号，"
                                                   "编号形如 XS-2026-000123")])
    into = repository.clue(session, parsed[1])
    if into is None or into.received_at.year != parsed[0]:
        raise InvalidInput([FieldError(["target"], f"并入线索：没有找到线索 {number}")])
    if into.id in {c.id for c in clues}:
        raise InvalidInput([FieldError(["target"], "并入线索不能是被合并的线索本身："
                                                   "线索不能合并到它自己")])
    if into.status == "merged":
        onward = repository.merged_into(session, into.id)
        where = ""
        if onward is not None and (survivor := repository.clue(session, onward.into_clue_id)):
            where = f"，请改为并入 {clue_no(survivor.id, survivor.received_at)}"
        raise Conflict(f"并入线索 {number} 本身已合并到其他线索{where}")
    return into


def _record_merge(session: Session, by: OfficePrincipal, clue: Clue, into: Clue,
                  decision: Decision, via: str, now: Any,
                  lead_decision: Decision | None = None) -> None:
    """The merged clue points at the surviving one; the survivor's history says so too."""
    repository.add_merge(session, ClueMerge(
        clue_id=clue.id, into_clue_id=into.id, decision_id=decision.id,
        lead_decision_id=lead_decision.id if lead_decision else None, merged_by=by.user_id,
        merged_at=now))
    detail: dict[str, Any] = {"merged": clue_no(clue.id, clue.received_at), "decision": decision.id,
                              "via": via}
    if lead_decision is not None:
        detail["lead_decision"] = lead_decision.kind
    session.add(ClueEvent(clue_id=into.id, at=now, actor=f"user:{by.username}",
                          action="merge.absorbed", detail=detail))


def _duplicates(session: Session, leads: list[Clue]) -> dict[int, list[Clue]]:
    """lead clue id -> the pending clues of the cluster it leads (not themselves decided now)."""
    deciding = {c.id for c in leads}
    out: dict[int, list[Clue]] = {}
    for lead in leads:
        ids = [i for i in correlation.duplicates_of(session, clue_id=lead.id) if i not in deciding]
        pending = [c for c in repository.clues_by_id(session, ids) if c.status in REVIEWABLE]
        if pending:
            out[lead.id] = sorted(pending, key=lambda c: c.id)
            deciding.update(c.id for c in pending)
    return out


def _settle_duplicate(session: Session, by: OfficePrincipal, duplicate: Clue, lead: Clue,
                      lead_decision: Decision, via: str, now: Any, bulk_id: str | None,
                      ip: str | None) -> Decision:
    lead_no = clue_no(lead.id, lead.received_at)
    reason = f"随主线索 {lead_no} 的决定（{KIND_LABELS[lead_decision.kind]}）一并处理"
    decision = Decision(clue_id=duplicate.id, kind="merge", target=lead_no, reason=reason,
                        decided_by=by.user_id, decided_at=now, via=via, bulk_id=bulk_id)
    session.add(decision)
    session.add(ClueEvent(clue_id=duplicate.id, at=now, actor=f"user:{by.username}",
                          action="decision.merge",
                          detail={"target": lead_no, "reason": reason, "via": via,
                                  "bulk_id": bulk_id, "lead_decision": lead_decision.kind,
                                  "lead_decision_id": lead_decision.id}))
    before, duplicate.status, duplicate.updated_at = duplicate.status, "merged", now
    session.flush()
    _record_merge(session, by, duplicate, lead, decision, via, now, lead_decision)
    audit.record(session, actor=audit.user_actor(by), action="decision.merge",
                 target=f"clue:{duplicate.id}", via=via, ip=ip, at=now,
                 before={"status": before}, after={
                     "status": "merged", "decision": decision.id, "target": lead_no,
                     "lead_decision": lead_decision.id, "bulk_id": bulk_id})
    return decision


def merged_view(session: Session, clue_id: int) -> dict[str, Any]:
    """What the clue page says of merging: the clue this one was merged into (and whether
    with its lead's decision), the duplicates merged into this one."""
    out: dict[str, Any] = {"into": None, "with_lead": None, "absorbed": []}
    found = repository.merged_into(session, clue_id)
    if found is not None and (into := repository.clue(session, found.into_clue_id)):
        out["into"] = clue_no(into.id, into.received_at)
        if found.lead_decision_id is not None:
            lead = session.get(Decision, found.lead_decision_id)
            out["with_lead"] = KIND_LABELS.get(lead.kind) if lead else None
    for merge in repository.absorbed(session, clue_id):
        if (dup := repository.clue(session, merge.clue_id)) is not None:
            out["absorbed"].append(clue_no(dup.id, dup.received_at))
    return out


def duplicates_pending(session: Session, clue_id: int) -> list[Clue]:
    """The still-pending duplicates of the cluster this clue leads (offered to settle with it)."""
    ids = correlation.duplicates_of(session, clue_id=clue_id)
    return [c for c in repository.clues_by_ids(session, ids) if c.status in REVIEWABLE]


def merge_suggestions(session: Session, clue_id: int) -> list[dict[str, str]]:
    """Clues this one may duplicate: its cluster's lead first, then the other members."""
    cluster = correlation.panel(session, clue_id=clue_id)
    if cluster is None:
        return []
    members = sorted((m for m in cluster.members if m.clue.id != clue_id),
                     key=lambda m: (not m.is_lead, m.clue.id))
    return [{"number": clue_no(m.clue.id, m.clue.received_at), "title": m.clue.title,
             "lead": m.is_lead} for m in members if m.clue.status != "merged"]


def decision_form(session: Session, view: ClueView, settings: Any = None) -> dict[str, Any]:
    """The decision form as the routing proposal fills it: the kind, the receiver resolved
    to its full name, the deadlines of that kind (working days)."""
    from hub.handoffs.receivers import proposed_receiver

    p = view.proposal
    kind = p.action if p and p.action in KINDS else "accept"
    reply, complete = handoff_service.default_deadline_days(kind, settings)
    merging = kind == "merge"
    return {"kind": kind, "into": (p.target or "") if p and merging else "",
            "with_duplicates": False,
            "target": proposed_receiver(session, p.target, view.clue.region_code)
            if p and not merging else "",
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
    clues = _reviewable(session, clue_ids)
    waiting = repository.pending_proposals(session, [c.id for c in clues])
    if waiting:
        raise Conflict("这些线索已有待科长审批的决定：" + "、".join(
            str(p.clue_id) for p in waiting))
    if request.kind in HANDOFF_KINDS:  # a receiver that matches nothing is said now, not later
        regions = {c.region_code for c in clues}
        hand_off.receivers_for(session, request, regions.pop() if len(regions) == 1 else None)
    if request.kind == "merge":  # so is a clue that cannot be merged into
        into = _merge_target(session, request.target or "", clues)
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


def _reviewable(session: Session, clue_ids: list[int]) -> list[Clue]:
    clues = repository.clues_by_id(session, clue_ids)
    missing = set(clue_ids) - {c.id for c in clues}
    if missing:
        raise NotFound(f"没有找到线索 {sorted(missing)}")
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
    user = _owner_to_be(session, by, user_id, "线索")
    target = user.id
    if session.get(Clue, clue_id) is None:
        raise NotFound(f"没有找到线索 {clue_id}")
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


def _owner_to_be(session: Session, by: OfficePrincipal, user_id: int | None, what: str) -> Any:
    """Who becomes the owner (承办人) of a clue or hand-off: a section head or leader assigns
    anyone on the desk; a reviewer takes it (`user_id` None or their own)."""
    from hub.accounts.models import OfficeUser

    if not by.can_review:
        raise Forbidden(f"只有科员、科长和领导可以承办{what}")
    target = user_id if user_id is not None else by.user_id
    if target != by.user_id and by.role not in APPROVERS:
        raise Forbidden(f"只有科长和领导可以把{what}分配给别人；科员可以自己承办")
    user = session.get(OfficeUser, target)
    if user is None or not user.active or user.role not in ("reviewer", "section_head",
                                                              "leader"):
        raise InvalidInput([FieldError(["owner"], "承办人应为在岗的科员或科长")])
    return user


def assign_handoff_owner(session: Session, by: OfficePrincipal, number: str,
                         user_id: int | None, via: str, *, ip: str | None = None) -> str:
    """The owner (承办人) of one hand-off, by the same rule as a clue's: a section head
    assigns, a reviewer takes. Without one, a hand-off is followed by its clue's owner.
    Written in the clue's history and the audit trail (never to the receiver: an office
    matter). Returns the owner's name."""
    from hub.handoffs.repository import by_number

    user = _owner_to_be(session, by, user_id, "移交")
    handoff = by_number(session, number)
    now = utcnow()
    before = repository.handoff_owner(session, handoff.id, handoff.clue_id)
    repository.set_handoff_owner(session, handoff.id, user.id, by.user_id, now)
    taken = user.id == by.user_id
    session.add(ClueEvent(clue_id=handoff.clue_id, at=now, actor=f"user:{by.username}",
                          action="handoff_owner.taken" if taken else "handoff_owner.assigned",
                          detail={"handoff": handoff.number, "receiver": handoff.receiver_name,
                                  "owner": user.username, "owner_name": user.display_name,
                                  "via": via}))
    audit.record(session, actor=audit.user_actor(by), action="handoff.owner_set",
                 target=f"handoff:{handoff.id}", via=via, ip=ip, at=now,
                 before={"owner": before}, after={"owner": user.id})
    return user.display_name


@dataclass(frozen=True)
class HandoffOwnerView:
    """What a hand-off's page shows of its owner, and whom a section head may assign."""

    owner: str | None  # the display name, None: nobody
    own: bool  # the hand-off's own owner (else its clue's, or none)
    reviewers: list[Any]


def handoff_owner_view(session: Session, handoff_id: int, clue_id: int) -> HandoffOwnerView:
    from hub.accounts.models import OfficeUser

    own = repository.own_handoff_owner(session, handoff_id)
    owner_id = repository.handoff_owner(session, handoff_id, clue_id)
    user = session.get(OfficeUser, owner_id) if owner_id is not None else None
    return HandoffOwnerView(user.display_name if user else None, own is not None,
                            repository.reviewers(session))


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


# -- saved filters and exports ------------------------------------------------------------------

FILTER_SCOPES = {"queue": "研判队列", "clues": "全部线索", "handoffs": "移交跟踪"}
FILTER_KEYS = {
    "queue": ("channel", "category", "region", "subject", "cluster", "multi", "rule", "q", "sort"),
    "clues": ("status", "channel", "category", "region", "subject", "cluster", "rule", "q", "sort"),
    "handoffs": ("state", "kind", "receiver"),
}
MAX_SAVED_FILTERS = 50


def filter_params(scope: str, params: Any) -> dict[str, str]:
    """The filters of a list's query string worth keeping (paging and notices dropped)."""
    keys = FILTER_KEYS.get(scope, ())
    return {k: str(params.get(k))[:200] for k in keys if params.get(k)}


def saved_filters(session: Session, by: OfficePrincipal, scope: str = "queue") -> list[Any]:
    return repository.saved_filters(session, by.user_id, scope)


def save_filter(session: Session, by: OfficePrincipal, name: str, params: dict[str, str],
                scope: str = "queue", *, via: str, ip: str | None = None) -> Any:
    """Keep the list's current filters under a name, the user's own; the same name again
    replaces what it held."""
    if scope not in FILTER_SCOPES:
        raise InvalidInput([FieldError(["scope"], f"筛选条件的列表应为：{'、'.join(FILTER_SCOPES)}")])
    name = (name or "").strip()
    if not name or len(name) > 60 or "\x00" in name:
        raise InvalidInput([FieldError(["name"], "筛选条件名称（name）应为 1 到 60 个字")])
    params = filter_params(scope, params)
    if not params:
        raise InvalidInput([FieldError(["name"], "当前没有任何筛选条件，请先筛选再保存")])
    now = utcnow()
    found = repository.saved_filter(session, by.user_id, scope, name)
    if found is None:
        if len(repository.saved_filters(session, by.user_id, scope)) >= MAX_SAVED_FILTERS:
            raise Conflict(f"每个列表最多保存 {MAX_SAVED_FILTERS} 组筛选条件，请先删除不用的")
        found = SavedFilter(user_id=by.user_id, scope=scope, name=name, params=params,
                            created_at=now)
        repository.add_saved_filter(session, found)
    else:
        found.params, found.created_at = params, now
    audit.record(session, actor=audit.user_actor(by), action="filter.saved",
                 target=f"saved_filter:{found.id}", via=via, ip=ip, at=now,
                 after={"scope": scope, "name": name, "filters": params})
    return found


def delete_filter(session: Session, by: OfficePrincipal, filter_id: int, *, via: str,
                  ip: str | None = None) -> str:
    found = repository.saved_filter_by_id(session, filter_id)
    if found is None or found.user_id != by.user_id:  # another's is none of the caller's business
        raise NotFound(f"没有找到保存的筛选条件 {filter_id}")
    name = found.name
    repository.delete_saved_filter(session, found)
    audit.record(session, actor=audit.user_actor(by), action="filter.deleted",
                 target=f"saved_filter:{filter_id}", via=via, ip=ip, at=utcnow(),
                 before={"scope": found.scope, "name": name, "filters": found.params})
    return name


CLUE_EXPORT_HEADERS = ["线索编号", "标题", "状态", "渠道", "问题类别", "属地", "被反映单位",
                       "反映人", "紧急程度", "接收时间", "最新决定", "决定对象", "线索组"]
CLUE_EXPORT_WIDTHS = [18, 40, 10, 12, 14, 20, 30, 16, 8, 18, 10, 24, 8]
URGENCY_LABELS = {"normal": "一般", "important": "重要", "urgent": "紧急"}


def require_exporter(by: OfficePrincipal) -> None:
    if not by.can_review:
        raise Forbidden("只有科员、科长和领导可以导出线索和移交")


def reporter_shown(masked: dict[str, Any] | None) -> str:
    """The reporter as the clue page shows it: masked, or 匿名."""
    if not masked:
        return ""
    if masked.get("anonymous"):
        return "匿名"
    return " ".join(str(masked[k]) for k in ("name", "phone") if masked.get(k))


def export_clues(session: Session, by: OfficePrincipal, f: repository.QueueFilter, target: Any,
                 *, via: str, scope: str = "queue", ip: str | None = None,
                 region_name: Any = None) -> int:
    """The clues a filter finds (the queue, or all clues) into an .xlsx at `target`,
    streamed; reporters masked as on the pages; the export in the audit trail (who, which
    filters, how many rows). Returns the number of rows."""
    from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
    from hub.security.spreadsheet import write_xlsx

    require_exporter(by)
    place = region_name or (lambda code: code or "")

    def rows() -> Any:
        for clues in repository.export_pages(session, f):
            ids = [c.id for c in clues]
            notes = repository.notes(session, ids)
            latest = repository.decisions_latest(session, ids)
            for c in clues:
                d = latest.get(c.id)
                n = notes.get(c.id)
                yield [clue_no(c.id, c.received_at), c.title, STATUS_LABELS.get(c.status, c.status),
                       CHANNEL_LABELS.get(c.channel, c.channel),
                       CATEGORY_LABELS.get(c.category, c.category or ""), place(c.region_code),
                       "；".join(s.get("resolved_name") or s.get("name") or ""
                                for s in c.subjects or []),
                       reporter_shown(c.reporter_masked), URGENCY_LABELS.get(c.urgency, c.urgency),
                       c.received_at, KIND_LABELS.get(d.kind, d.kind) if d else "",
                       (d.target or "") if d else "",
                       n.cluster_id if n and n.cluster_id else ""]

    written = write_xlsx(target, FILTER_SCOPES.get(scope, "线索"), CLUE_EXPORT_HEADERS, rows(),
                         CLUE_EXPORT_WIDTHS)
    audit.record(session, actor=audit.user_actor(by), action="clues.exported",
                 target=f"list:{scope}", via=via, ip=ip, at=utcnow(),
                 after={"filters": filter_description(f), "rows": written, "format": "xlsx"})
    return written


def filter_description(f: repository.QueueFilter) -> dict[str, str]:
    """The filters that narrowed a list, as the audit trail keeps them."""
    from dataclasses import asdict

    return {k: v for k, v in asdict(f).items() if v and not (k == "sort" and v == "newest")}
