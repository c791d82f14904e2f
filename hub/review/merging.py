"""Merging duplicates: the clue a merge points at (checked), the merge recorded on both clues,
a cluster lead's pending duplicates settled with its decision, what a clue's page says of it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hub import audit
from hub.accounts.service import OfficePrincipal
from hub.correlate import service as correlation
from hub.db.models import Clue, ClueEvent
from hub.errors import Conflict, FieldError, InvalidInput
from hub.intake.present import clue_no, parse_clue_no
from hub.review import repository
from hub.review.decisions import KIND_LABELS, REVIEWABLE
from hub.review.models import ClueMerge, Decision


def merge_target(session: Session, number: str, clues: list[Clue]) -> Clue:
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


def record_merge(session: Session, by: OfficePrincipal, clue: Clue, into: Clue,
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


def lead_duplicates(session: Session, leads: list[Clue]) -> dict[int, list[Clue]]:
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


def settle_duplicate(session: Session, by: OfficePrincipal, duplicate: Clue, lead: Clue,
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
    record_merge(session, by, duplicate, lead, decision, via, now, lead_decision)
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
