"""SQL of the office's lists (the review queue, all clues): their filters, keyset pages, a
search's ranked pages, counts, what the queue shows beside a clue, an export's batches."""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import datetime

import orjson
from sqlalchemy import String, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session

from hub.correlate.models import ClueCluster, Cluster
from hub.db.models import Clue
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
