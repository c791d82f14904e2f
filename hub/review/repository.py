"""SQL for the review queue and a clue's page."""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import datetime

import orjson
from sqlalchemy import String, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session

from hub.correlate.models import ClueCluster, Cluster
from hub.db.models import Agency, Clue, ClueEvent, RawRecord
from hub.review.models import (
    ClueMerge,
    ClueOwner,
    Decision,
    DecisionProposal,
    HandoffOwner,
    SavedFilter,
)
from hub.route.models import RouteProposal
from hub.search import repository as search


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = "pending_review"  # None: every status (the all-clues list)
    channel: str | None = None
    category: str | None = None
    region: str | None = None  # code prefix
    subject: str | None = None
    q: str | None = None
    sort: str = "newest"  # newest | urgent
    cluster: str | None = None  # "multi" (in a cluster of several channels) or a cluster id
    rule: str | None = None  # the id of the rule that proposed, or "none" (no rule matched)


@dataclass(frozen=True)
class QueuePage:
    clues: list[Clue]
    next_cursor: str | None
    total: int | None


COUNT_CAP = 1000  # a filtered queue counts this far ("超过 1000 条"), never the whole table


FEW = 1000  # a cluster or rule with at most this many pending clues is looked up first


def _conditions(f: QueueFilter, session: Session) -> list:
    where = []
    if f.channel:
        where.append(Clue.channel == f.channel)
    if f.category:
        where.append(Clue.category == f.category)
    if f.region:
        where.append(Clue.region_code.startswith(f.region, autoescape=True))
    if f.subject:
        where.append(cast(Clue.subjects, String).contains(f.subject, autoescape=True))
    if f.q:
        found = search.matches(session, f.q, ranked=False, status=f.status)
        if found is None:  # nothing the index holds (punctuation only): the words as typed
            where.append(or_(Clue.title.contains(f.q, autoescape=True),
                             Clue.content.contains(f.q, autoescape=True)))
        else:
            where.append(Clue.id.in_(select(found.subquery().c.clue_id)))
    if f.cluster == "multi":
        # Probed row by row along the queue's index (two primary-key lookups per clue), so
        # the first page stops as soon as it has its 50.
        where.append(select(ClueCluster.clue_id).join(Cluster, Cluster.id == ClueCluster.cluster_id)
                     .where(ClueCluster.clue_id == Clue.id, Cluster.channels > 1).exists())
    few, probes = _narrowing(f, session)
    where += probes
    if few is None:
        return [Clue.status == f.status, *where] if f.status else where
    # The status is written so that no index serves it: the planner walks the few ids by
    # primary key (SQLite would otherwise scan the queue's index and probe each clue).
    status = [Clue.status.concat("") == f.status] if f.status else []
    return [Clue.id.in_(sorted(few)), *status, *where]


def _narrowing(f: QueueFilter, session: Session) -> tuple[set[int] | None, list]:
    """The clues of a cluster or a rule when they are few (looked up through their own index,
    whatever their status), else a condition checked row by row along the queue (a common
    rule's clues fill a page quickly)."""
    few: set[int] | None = None
    probes = []
    narrowing = []
    if f.cluster and f.cluster.isdigit():
        member = ClueCluster.cluster_id == int(f.cluster)
        narrowing.append((select(ClueCluster.clue_id).where(member),
                          select(ClueCluster.clue_id)
                          .where(ClueCluster.clue_id == Clue.id, member).exists()))
    if f.rule:
        rule = RouteProposal.rule_id.is_(None) if f.rule == "none" else \
            RouteProposal.rule_id == f.rule
        narrowing.append((select(RouteProposal.clue_id).where(rule),
                          select(RouteProposal.clue_id)
                          .where(RouteProposal.clue_id == Clue.id, rule).exists()))
    for lookup, probe in narrowing:
        ids = set(session.scalars(lookup.limit(FEW + 1)))
        if len(ids) > FEW:
            probes.append(probe)
        else:
            few = ids if few is None else few & ids
    return few, probes


@dataclass(frozen=True)
class QueueNotes:
    """What the queue shows beside a clue: its cluster and the rule that proposed."""

    cluster_id: int | None
    cluster_channels: int
    rule_id: str | None
    action: str | None
    routed: bool


def notes(session: Session, clue_ids: list[int]) -> dict[int, QueueNotes]:
    if not clue_ids:
        return {}
    rows = session.execute(
        select(Clue.id, ClueCluster.cluster_id, Cluster.channels, RouteProposal.rule_id,
               RouteProposal.action, RouteProposal.clue_id.label("routed"))
        .outerjoin(ClueCluster, ClueCluster.clue_id == Clue.id)
        .outerjoin(Cluster, Cluster.id == ClueCluster.cluster_id)
        .outerjoin(RouteProposal, RouteProposal.clue_id == Clue.id)
        .where(Clue.id.in_(clue_ids)))
    return {row.id: QueueNotes(row.cluster_id, row.channels or 0, row.rule_id, row.action,
                               row.routed is not None) for row in rows}


def queue(session: Session, f: QueueFilter, cursor: str | None, limit: int = 50) -> QueuePage:
    """Keyset paging: the next page starts after the last row shown, so page 2,000 of 100,000
    pending clues costs what page 1 costs. A search (`f.q`) is ranked instead (hub.search)."""
    if f.q and (found := search.matches(session, f.q, status=f.status)) is not None:
        return _ranked(session, f, found.subquery(), cursor, limit)
    order = ([Clue.priority.desc()] if f.sort == "urgent" else []) + [
        Clue.received_at.desc(), Clue.id.desc()]
    query = select(Clue).where(*_conditions(f, session)).order_by(*order).limit(limit + 1)
    after = _decode(cursor)
    if after is not None:
        query = query.where(_after(f.sort, after))
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode(f.sort, rows[-1]) if more and rows else None
    return QueuePage(rows, next_cursor, None)


def _ranked(session: Session, f: QueueFilter, found, cursor: str | None,  # noqa: ANN001
            limit: int) -> QueuePage:
    """A search's page: best match first (SQLite: title hits above content hits; PostgreSQL
    ranks every match the same, hub.search.models), then newest; paged by offset ("o100"),
    since a rank is no key to continue after."""
    offset = int(cursor[1:]) if cursor and cursor[0] == "o" and cursor[1:].isdigit() else 0
    if (not filtered(replace(f, q=None, status="any"))
            and (top := search.page(session, f.q, f.status, offset, limit + 1)) is not None):
        # Only the words (and the status) narrow it: the page is ordered inside the index
        # and only its clues are read, not every match's row in `clues`.
        by_id = {c.id: c for c in session.scalars(select(Clue).where(Clue.id.in_(top)))}
        rows = [by_id[i] for i in top if i in by_id]
        more = len(rows) > limit
        return QueuePage(rows[:limit], f"o{offset + limit}" if more else None, None)
    where = _conditions(replace(f, q=None), session)
    query = (select(Clue).join(found, found.c.clue_id == Clue.id).where(*where)
             .order_by(found.c.rank.desc(), Clue.received_at.desc(), Clue.id.desc())
             .offset(offset).limit(limit + 1))
    rows = list(session.scalars(query))
    more = len(rows) > limit
    return QueuePage(rows[:limit], f"o{offset + limit}" if more else None, None)


def _after(sort: str, after: list):  # noqa: ANN202
    received, clue_id = datetime.fromisoformat(after[-2]), after[-1]
    if sort != "urgent":
        return tuple_(Clue.received_at, Clue.id) < tuple_(received, clue_id)
    # Every key descends, so one row comparison is the whole "after": a range on the
    # (status, priority, received_at, id) index rather than an OR the planner filters.
    return tuple_(Clue.priority, Clue.received_at, Clue.id) < tuple_(after[0], received, clue_id)


def _encode(sort: str, clue: Clue) -> str:
    key = [clue.received_at.isoformat(), clue.id]
    if sort == "urgent":
        key = [clue.priority, *key]
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode()


def _decode(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return value if isinstance(value, list) and len(value) in (2, 3) else None


def count(session: Session, f: QueueFilter, cap: int | None = None) -> int:
    """How many clues the filter finds; with `cap`, at most cap + 1 (enough to say "more
    than cap"): a count over a filter no index covers reads every pending clue."""
    if (cap is not None and f.q and not filtered(replace(f, q=None, status="any"))
            and (counted := search.count(session, f.q, f.status, cap)) is not None):
        return counted  # counted in the index, no clue read
    where = _conditions(f, session)
    if cap is None:
        return session.scalar(select(func.count()).select_from(Clue).where(*where)) or 0
    found = select(Clue.id).where(*where).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(found)) or 0


def filtered(f: QueueFilter) -> bool:
    """Whether anything narrows the queue beyond its status (the plain count is index-only)."""
    return any((f.channel, f.category, f.region, f.subject, f.q, f.cluster, f.rule,
                f.status is None))


def clue_with_source(session: Session, clue_id: int) -> tuple[Clue, RawRecord, Agency] | None:
    row = session.execute(
        select(Clue, RawRecord, Agency).join(RawRecord, RawRecord.id == Clue.raw_record_id)
        .join(Agency, Agency.id == Clue.agency_id).where(Clue.id == clue_id)
    ).first()
    return (row.Clue, row.RawRecord, row.Agency) if row else None


def history(session: Session, clue_id: int) -> tuple[list[ClueEvent], list[Decision]]:
    events = session.scalars(select(ClueEvent).where(ClueEvent.clue_id == clue_id)
                             .order_by(ClueEvent.at, ClueEvent.id)).all()
    decisions = session.scalars(select(Decision).where(Decision.clue_id == clue_id)
                                .order_by(Decision.decided_at, Decision.id)).all()
    return list(events), list(decisions)


def clues_by_id(session: Session, ids: list[int]) -> list[Clue]:
    return list(session.scalars(select(Clue).where(Clue.id.in_(ids)).with_for_update()))


# -- proposals awaiting approval, owners, my work -------------------------------------------

def pending_proposals(session: Session, clue_ids: list[int] | None = None) -> list[DecisionProposal]:
    query = select(DecisionProposal).where(DecisionProposal.state == "pending")
    if clue_ids is not None:
        query = query.where(DecisionProposal.clue_id.in_(clue_ids))
    return list(session.scalars(query.order_by(DecisionProposal.proposed_at,
                                               DecisionProposal.id)))


def proposal(session: Session, proposal_id: int) -> DecisionProposal | None:
    return session.get(DecisionProposal, proposal_id, with_for_update=True)


def owner_of(session: Session, clue_id: int) -> ClueOwner | None:
    return session.get(ClueOwner, clue_id)


def owners(session: Session, clue_ids: list[int]) -> dict[int, int]:
    if not clue_ids:
        return {}
    return dict(session.execute(select(ClueOwner.clue_id, ClueOwner.user_id)
                                .where(ClueOwner.clue_id.in_(clue_ids))).all())


def set_owner(session: Session, clue_id: int, user_id: int, by: int, now: datetime) -> None:
    found = session.get(ClueOwner, clue_id, with_for_update=True)
    if found is None:
        session.add(ClueOwner(clue_id=clue_id, user_id=user_id, assigned_by=by, assigned_at=now))
    else:
        found.user_id, found.assigned_by, found.assigned_at = user_id, by, now


def set_handoff_owner(session: Session, handoff_id: int, user_id: int, by: int,
                      now: datetime) -> None:
    found = session.get(HandoffOwner, handoff_id, with_for_update=True)
    if found is None:
        session.add(HandoffOwner(handoff_id=handoff_id, user_id=user_id, assigned_by=by,
                                 assigned_at=now))
    else:
        found.user_id, found.assigned_by, found.assigned_at = user_id, by, now


def own_handoff_owner(session: Session, handoff_id: int) -> int | None:
    """The hand-off's own owner (not its clue's)."""
    own = session.get(HandoffOwner, handoff_id)
    return own.user_id if own is not None else None


def handoff_owner(session: Session, handoff_id: int, clue_id: int) -> int | None:
    """The hand-off's own owner, else its clue's."""
    own = session.get(HandoffOwner, handoff_id)
    if own is not None:
        return own.user_id
    clue = session.get(ClueOwner, clue_id)
    return clue.user_id if clue else None


def my_clues(session: Session, user_id: int, limit: int = 200) -> list[Clue]:
    """Clues I own that wait on the office (pending review)."""
    return list(session.scalars(
        select(Clue).join(ClueOwner, ClueOwner.clue_id == Clue.id)
        .where(ClueOwner.user_id == user_id, Clue.status == "pending_review")
        .order_by(Clue.priority.desc(), Clue.received_at).limit(limit)))


def my_handoffs(session: Session, user_id: int, states: tuple[str, ...],
                limit: int = 200) -> list:
    """Hand-offs I follow (mine, or of a clue I own when the hand-off has no owner of its
    own) in one of `states`: those waiting on the office."""
    from hub.handoffs.models import Handoff

    own = select(HandoffOwner.handoff_id).where(HandoffOwner.user_id == user_id)
    via_clue = (select(Handoff.id).join(ClueOwner, ClueOwner.clue_id == Handoff.clue_id)
                .outerjoin(HandoffOwner, HandoffOwner.handoff_id == Handoff.id)
                .where(ClueOwner.user_id == user_id, HandoffOwner.handoff_id.is_(None)))
    return list(session.scalars(
        select(Handoff).where(Handoff.id.in_(own.union(via_clue)), Handoff.state.in_(states))
        .order_by(Handoff.due_on, Handoff.id).limit(limit)))


def user_names(session: Session) -> dict[str, str]:
    """username → display name, for history lines ("user:li" → 李科员)."""
    from hub.accounts.models import OfficeUser

    return dict(session.execute(select(OfficeUser.username, OfficeUser.display_name)).all())


def reviewers(session: Session) -> list:
    from hub.accounts.models import OfficeUser

    return list(session.scalars(select(OfficeUser).where(
        OfficeUser.active, OfficeUser.role.in_(("reviewer", "section_head")))
        .order_by(OfficeUser.role, OfficeUser.display_name)))


def all_users(session: Session) -> list:
    from hub.accounts.models import OfficeUser

    return list(session.scalars(select(OfficeUser)))


def clues_by_ids(session: Session, ids: list[int]) -> list[Clue]:
    """Clues to show (no lock)."""
    return list(session.scalars(select(Clue).where(Clue.id.in_(ids)))) if ids else []


def returned_proposals(session: Session, user_id: int) -> list[DecisionProposal]:
    """My proposals sent back whose clue still waits for review."""
    return list(session.scalars(
        select(DecisionProposal).join(Clue, Clue.id == DecisionProposal.clue_id)
        .where(DecisionProposal.proposed_by == user_id, DecisionProposal.state == "returned",
               Clue.status == "pending_review")
        .order_by(DecisionProposal.settled_at.desc()).limit(100)))


# -- merged duplicates ------------------------------------------------------------------------

def add_merge(session: Session, merge: ClueMerge) -> None:
    session.add(merge)


def merged_into(session: Session, clue_id: int) -> ClueMerge | None:
    return session.get(ClueMerge, clue_id)


def absorbed(session: Session, clue_id: int) -> list[ClueMerge]:
    """The duplicates merged into this clue, in the order they were merged."""
    return list(session.scalars(select(ClueMerge).where(ClueMerge.into_clue_id == clue_id)
                                .order_by(ClueMerge.merged_at, ClueMerge.clue_id)))


def clue(session: Session, clue_id: int) -> Clue | None:
    return session.get(Clue, clue_id)


# -- saved filters ------------------------------------------------------------------------------

def saved_filters(session: Session, user_id: int, scope: str) -> list[SavedFilter]:
    return list(session.scalars(select(SavedFilter).where(
        SavedFilter.user_id == user_id, SavedFilter.scope == scope).order_by(SavedFilter.name)))


def saved_filter(session: Session, user_id: int, scope: str, name: str) -> SavedFilter | None:
    return session.scalar(select(SavedFilter).where(
        SavedFilter.user_id == user_id, SavedFilter.scope == scope, SavedFilter.name == name))


def saved_filter_by_id(session: Session, filter_id: int) -> SavedFilter | None:
    return session.get(SavedFilter, filter_id)


def add_saved_filter(session: Session, saved: SavedFilter) -> None:
    session.add(saved)
    session.flush()


def delete_saved_filter(session: Session, saved: SavedFilter) -> None:
    session.delete(saved)


def export_pages(session: Session, f: QueueFilter, batch: int = 1000):  # noqa: ANN201
    """Every clue the filter finds, in the list's order, a batch at a time (an export streams
    them into its file, never holding the whole list)."""
    cursor = None
    while True:
        page = queue(session, f, cursor, batch)
        yield page.clues
        for done in page.clues:
            session.expunge(done)
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def decisions_latest(session: Session, clue_ids: list[int]) -> dict[int, Decision]:
    """The latest decision of each clue."""
    out: dict[int, Decision] = {}
    if clue_ids:
        for d in session.scalars(select(Decision).where(Decision.clue_id.in_(clue_ids))
                                 .order_by(Decision.decided_at, Decision.id)):
            out[d.clue_id] = d
    return out
