"""ALL SQL of the review desk, one name for the whole domain (`from hub.review import repository`,
`repository.queue(session, f, cursor)`), in three modules by what they read:

    lists.py  the office's lists (the queue, all clues): filters, keyset pages, a search's
              ranked pages, counts, what the queue shows beside a clue, an export's batches;
    clues.py  a clue as the desk reads and decides it: its source, history, latest decision,
              the clues a decision locks, duplicates merged into it;
    desk.py   decisions awaiting approval, owners (承办人) of clues and hand-offs, 我的待办, the
              office's users, saved filters.

Tuning constants stay in their module (`lists.FEW`): set them there, not here.
"""

from .clues import (
    absorbed,
    add_merge,
    clue,
    clue_with_source,
    clues_by_id,
    clues_by_ids,
    decisions_latest,
    history,
    merged_into,
)
from .desk import (
    add_saved_filter,
    all_users,
    delete_saved_filter,
    handoff_owner,
    my_clues,
    my_handoffs,
    own_handoff_owner,
    owner_of,
    owners,
    pending_proposals,
    proposal,
    returned_proposals,
    reviewers,
    saved_filter,
    saved_filter_by_id,
    saved_filters,
    set_handoff_owner,
    set_owner,
    user_names,
)
from .lists import (
    COUNT_CAP,
    QueueFilter,
    QueueNotes,
    QueuePage,
    count,
    export_pages,
    filtered,
    notes,
    queue,
)

__all__ = [
    "COUNT_CAP", "QueueFilter", "QueueNotes", "QueuePage", "absorbed", "add_merge",
    "add_saved_filter", "all_users", "clue", "clue_with_source", "clues_by_id", "clues_by_ids",
    "count", "decisions_latest", "delete_saved_filter", "export_pages", "filtered",
    "handoff_owner", "history", "merged_into", "my_clues", "my_handoffs", "notes",
    "own_handoff_owner", "owner_of", "owners", "pending_proposals", "proposal", "queue",
    "returned_proposals", "reviewers", "saved_filter", "saved_filter_by_id", "saved_filters",
    "set_handoff_owner", "set_owner", "user_names",
]
