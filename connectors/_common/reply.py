"""办理结果回复: the verified outcome of a pulled record, as the hub hands it to a connector
to write back onto the partner's own record (so a 12345 operator can answer the caller)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutcomeReply:
    source_ref: str  # the partner's record id (工单编号, 信访件编号, 建议编号 …)
    clue: str  # the hub's clue number, XS-2026-000123
    handoff: str  # the hand-off that gave the outcome, JB-2026-000001
    outcome: str  # the outcome kind (SPEC §4)
    outcome_label: str  # its Chinese label, e.g. 党纪政务处分
    summary: str  # what was done, in the handling unit's words
    handled_by: str  # the handling unit (承办单位)
    verified_at: str  # RFC 3339, office time
    persons: int | None = None  # how many persons were dealt with, when any


def reply_text(reply: OutcomeReply) -> str:
    """The reply in one paragraph, as partner systems show it."""
    people = f"，涉及 {reply.persons} 人" if reply.persons else ""
    return (f"经依法治市办交{reply.handled_by}办理，办理结果：{reply.outcome_label}{people}。"
            f"{reply.summary}")
