"""Owners (承办人) of clues and hand-offs, internal notes, 我的待办: what is mine and waits on me."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.db.guards import check_editable
from hub.db.models import Clue, ClueEvent
from hub.db.types import utcnow
from hub.errors import FieldError, Forbidden, InvalidInput, NotFound
from hub.review import repository
from hub.review.approvals import APPROVERS
from hub.review.models import DecisionProposal


def assign_owner(session: Session, by: OfficePrincipal, clue_id: int, user_id: int | None,
                 via: str, *, ip: str | None = None) -> str:
    """A section head assigns the clue to a reviewer (承办人); a reviewer takes it (user_id
    None or their own). Returns the owner's name."""
    user = _owner_to_be(session, by, user_id, "线索")
    target = user.id
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
    check_editable(session, handoff.clue_id, "更换移交承办人")
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
