"""SQL of the reports, one name for the whole domain (`from . import repository`,
`repository.handoffs_sent(scope)`), in two modules by what they read:

    members.py  the members of every figure for a month and area, their counts per group,
                the names of a figure's groups;
    records.py  the one database snapshot a report is read in, the ledger's rows, the records
                behind a figure, the agencies to share with, issued reports and their shares.
"""

from .members import (
    ALL,
    RECTIFIED,
    assigns_replied,
    body_names,
    clues_received,
    cluster_members,
    cluster_titles,
    distinct_member_count,
    followups_done,
    followups_due,
    group_counts,
    handoffs_closed,
    handoffs_due,
    handoffs_due_replied,
    handoffs_final_replied,
    handoffs_open,
    handoffs_overdue,
    handoffs_returned,
    handoffs_sent,
    handoffs_sent_acknowledged,
    in_area,
    last_decisions,
    member_ids,
    outcomes_received,
    persons_in_outcomes,
    subjects_of_clues_received,
)
from .records import (
    CHUNK,
    LEDGER_BATCH,
    active_agencies,
    agency_name,
    begin_snapshot,
    clues,
    handoff_rows,
    handoff_rows_of_members,
    handoffs_with_clues,
    is_shared,
    issued_exists,
    issued_reports,
    jit_off,
    latest_version,
    ledger_clues,
    ledger_handoffs,
    ledger_persons,
    record_numbers,
    share_names,
)

__all__ = [
    "ALL", "CHUNK", "LEDGER_BATCH", "RECTIFIED", "active_agencies", "agency_name",
    "assigns_replied", "begin_snapshot", "body_names", "cluster_members", "cluster_titles",
    "clues", "clues_received", "distinct_member_count", "followups_done", "followups_due",
    "group_counts", "handoff_rows", "handoff_rows_of_members", "handoffs_closed", "handoffs_due",
    "handoffs_due_replied", "handoffs_final_replied", "handoffs_open", "handoffs_overdue",
    "handoffs_returned", "handoffs_sent", "handoffs_sent_acknowledged", "handoffs_with_clues",
    "in_area", "is_shared", "issued_exists", "issued_reports", "jit_off", "last_decisions",
    "latest_version", "ledger_clues", "ledger_handoffs", "ledger_persons", "member_ids", "outcomes_received",
    "persons_in_outcomes", "record_numbers", "share_names", "subjects_of_clues_received",
]
