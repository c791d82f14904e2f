"""Review actions, one name for the domain's services (`from hub.review import service`): what a
clue's page shows and its decision form here; the rest in modules by their own names, re-exported:

    deciding.py   a decision on clues, all or none, with its hand-offs or its merge;
    approvals.py  decisions a section head approves: proposed, approved, sent back;
    merging.py    merging duplicates: the clue merged into, a lead's duplicates settled with it;
    owners.py     owners (承办人) of clues and hand-offs, internal notes, 我的待办;
    filters.py    saved filters;
    exports.py    the .xlsx exports of the queue and all clues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy.orm import Session

from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.errors import NotFound
from hub.handoffs import service as handoff_service
from hub.handoffs.kinds import HANDOFF_KINDS
from hub.handoffs.repository import for_clue as handoffs_of_clue
from hub.intake.service import raw_aad
from hub.normalize.codes.raw_masking import mask_record
from hub.review import repository
from hub.review.approvals import (
    APPROVERS,
    approve,
    decide_or_propose,
    needs_approval,
    propose,
    send_back,
)
from hub.review.deciding import decide
from hub.review.decisions import KIND_LABELS, KINDS, REVIEWABLE, STATUS_LABELS, DecisionRequest
from hub.review.exports import (
    CLUE_EXPORT_HEADERS,
    CLUE_EXPORT_WIDTHS,
    URGENCY_LABELS,
    export_clues,
    filter_description,
    reporter_shown,
    require_exporter,
)
from hub.review.filters import (
    FILTER_KEYS,
    FILTER_SCOPES,
    MAX_SAVED_FILTERS,
    delete_filter,
    filter_params,
    save_filter,
    saved_filters,
)
from hub.review.merging import duplicates_pending, merge_suggestions, merged_view
from hub.review.models import Decision
from hub.review.owners import (
    HandoffOwnerView,
    MyWork,
    add_note,
    assign_handoff_owner,
    assign_owner,
    handoff_owner_view,
    my_work,
)
from hub.route.service import proposal_for
from hub.security.crypto import Cipher

__all__ = [
    "APPROVERS", "CLUE_EXPORT_HEADERS", "CLUE_EXPORT_WIDTHS", "FILTER_KEYS", "FILTER_SCOPES",
    "KIND_LABELS", "KINDS", "MAX_SAVED_FILTERS", "REVIEWABLE", "STATUS_LABELS", "URGENCY_LABELS",
    "ClueView", "DecisionRequest", "HandoffOwnerView", "MyWork", "add_note", "approve", "assign_handoff_owner", "assign_owner", "clue_view",
    "decide", "decide_or_propose", "decision_form", "delete_filter", "duplicates_pending",
    "export_clues", "filter_description", "filter_params", "handoff_owner_view",
    "merge_suggestions", "merged_view", "my_work", "needs_approval", "propose",
    "reporter_shown", "require_exporter", "save_filter", "saved_filters", "send_back",
]



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
