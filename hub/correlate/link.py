"""Linking: index new clues, score their candidates, put them into clusters, say why.

A new clue joins the cluster of the candidate it matches best; when that candidate is in no
cluster yet, the two start one. Other matching candidates that are in no cluster join too
(the new clue is the bridge, and each link keeps its own score and reasons); matching
candidates in *other* clusters are only named in the event (`other_clusters`), for a
reviewer to merge: the system never merges clusters on its own, and never puts back a clue a
reviewer took out of a cluster.

A batch is linked in two steps, as if its clues were indexed and linked one by one in the
order they were reported (each finds the earlier ones of its batch):

* `plan` (outside any lock, a read): one question to the index for all the batch's band keys
  and one for its field keys, the stored candidates' profiles read once, every pair scored.
  The plan notes the number of the last batch linked that it saw (`correlate_batches`).
* `apply` (a write): the clues of the batches linked since the plan's read are re-checked
  (their keys merged into the candidate lists, the new pairs scored), the batch's profiles
  and keys are inserted, then the linking lock is taken (a transaction-level advisory lock
  on PostgreSQL, which reviewers' operations take too; SQLite has one writer already) for
  the short part only: the batches linked since the first re-check are re-checked alike,
  the clusters of the candidates read once, the clues linked in memory, and the
  memberships, links, counts and events written with one statement each.
  Batches are numbered under the lock, so in commit order: what the plan missed is exactly
  what was numbered after it. Two workers therefore give the clusters one worker gives, and
  neither waits for the other's reading and scoring.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from hub.correlate import clusters, index, ranking, repository
from hub.correlate.decide import WINDOW_DAYS, Decision, judged_all
from hub.correlate.profile import Profile, facts_of

ACTION = "correlated"

BandList = dict[tuple[int, int, int], list[int]]  # holders: day << 32 | clue id, latest first
FieldList = dict[tuple[str, str, int, int], list[int]]


@dataclass
class Plan:
    """What a batch read and scored before linking."""

    entries: list[index.Entry]  # not indexed yet, in linking order
    window_days: int
    seen: int  # the last batch number the reads saw
    bands: BandList = field(default_factory=dict)
    fields: FieldList = field(default_factory=dict)
    profiles: dict[int, Profile] = field(default_factory=dict)  # stored candidates and the batch
    found: dict[int, list[int]] = field(default_factory=dict)  # clue -> candidates, best first
    decisions: dict[int, dict[int, Decision]] = field(default_factory=dict)
    rechecked: int = 0  # clues of batches linked meanwhile (re-checked under the lock)
    written: frozenset[int] = frozenset()  # the entries whose index rows apply wrote
    events: list[dict[str, Any]] = field(default_factory=list)  # written by apply (record)


def index_and_link(session: Session, entries: list[index.Entry], now: datetime,
                   window_days: int = WINDOW_DAYS) -> dict[int, dict[str, Any]]:
    """Index the entries not indexed yet and link them (plan and apply in one session).
    Returns each one's event detail."""
    return apply(session, plan(session, entries, window_days), now)


def plan(session: Session, entries: list[index.Entry], window_days: int = WINDOW_DAYS,
         fresh_only: bool = True, written: frozenset[int] = frozenset()) -> Plan:
    """Read the index once for the whole batch and score every candidate pair (no lock).
    `fresh_only` leaves out the entries the index holds already; `written` are entries whose
    own index rows are there already (a plan made again under the lock), read as if they
    were not: each list is read `len(written)` longer and cut back without them."""
    connection = session.connection()
    seen = repository.last_batch(connection)  # first: what is numbered later is re-checked
    done = (repository.indexed(connection, [e.clue_id for e in entries]) if fresh_only
            else set())
    fresh = sorted((e for e in entries if e.clue_id not in done),
                   key=lambda e: (e.profile.reported_at, e.clue_id))
    result = Plan(fresh, window_days, seen)
    if not fresh:
        return result
    windows = [(e, e.day - window_days, e.day + window_days) for e in fresh]
    band_requests = sorted({(key, low, high) for e, low, high in windows
                            for key in e.band_keys})
    more = len(written)
    field_requests = sorted({(kind, value[:120], low, high,
                              index.field_list_length(kind) + more)
                             for e, low, high in windows for kind, value in e.field_keys})
    with repository.ordered_scans(connection):
        result.bands = repository.band_lists(connection, band_requests, index.PER_BAND + more)
        result.fields = repository.field_lists(connection, field_requests)
    if written:
        result.bands = {r: _without(listed, written, index.PER_BAND)
                        for r, listed in result.bands.items()}
        result.fields = {r: _without(listed, written, index.field_list_length(r[0]))
                         for r, listed in result.fields.items()}
    result.profiles = {e.clue_id: e.profile for e in fresh}
    _rank(result)
    _load_profiles(session, result)
    _score(result)
    return result


def _without(listed: list[int], written: frozenset[int], limit: int) -> list[int]:
    """The latest `limit` holders of `listed` that are not `written`."""
    return [h for h in listed if h & ranking.ID not in written][:limit]


def apply(session: Session, planned: Plan, now: datetime,
          record: bool = True) -> dict[int, dict[str, Any]]:
    """Write the batch's index rows, then, under the linking lock, re-check what was linked
    since the plan, link in memory and write the clusters. Returns each clue's event detail;
    the events are written too, or with `record` false left in `planned.events` for the
    caller to write with its own."""
    connection = session.connection()
    # What was linked since the plan's read, before the lock (which is then held shorter)
    # and before this batch's rows are in the index (a plan made again then need not leave
    # them out).
    _recheck(session, planned)
    entries = planned.entries
    planned.written = frozenset(e.clue_id for e in entries)
    repository.add_entries(connection, [
        (e.clue_id, e.profile.reported_at, e.profile.channel, e.profile.region, e.profile.text,
         facts_of(e.profile), e.day, set(e.band_keys), {(k, v[:120]) for k, v in e.field_keys})
        for e in sorted(entries, key=lambda e: e.clue_id)], now)
    index.lock_linking(session)
    seq = _recheck(session, planned)  # what was linked since
    entries = planned.entries
    if not entries:
        return {}
    ids = {e.clue_id for e in entries}
    for e in entries:
        ids.update(c for c, d in planned.decisions[e.clue_id].items() if d.linked)
    linker = _Linker(planned, repository.standing(connection, sorted(ids), clusters.SYSTEM), now)
    details = {e.clue_id: linker.link(e) for e in entries}
    linker.write(session)
    repository.add_batch(connection, seq + 1, [[e.clue_id, e.day, sorted(set(e.band_keys))]
                                               for e in entries], now)
    planned.events = linker.events
    if record:
        clusters.record(session, linker.events)
    return {clue_id: linker.real_detail(detail) for clue_id, detail in details.items()}


# --- candidates, in memory --------------------------------------------------------------


def _rank(planned: Plan) -> None:
    """Each clue's candidates, best first, as the per-clue query ranks them: the clue itself
    and the batch's earlier clues count as indexed (hub.correlate.ranking)."""
    planned.found = ranking.rank(
        planned.entries, planned.window_days, planned.bands, planned.fields,
        per_band=index.PER_BAND, band_candidates=index.BAND_CANDIDATES + 1,
        band_weight=index.BAND_WEIGHT, field_candidates=index.FIELD_CANDIDATES,
        key_weights=index.KEY_WEIGHTS, scored=index.SCORED)


def _load_profiles(session: Session, planned: Plan) -> None:
    """Read the profiles of stored candidates not known yet (one statement)."""
    wanted = sorted({c for found in planned.found.values() for c in found}
                    - planned.profiles.keys())
    for row in repository.profile_rows(session.connection(), wanted):
        planned.profiles[row[0]] = index.profile_of_row(row)


# A pair that does not link: only the pairs that link are explained (their reasons are kept
# in the links and events); the others are told apart by `linked` alone.
_APART = Decision(False, 0.0)


def _score(planned: Plan) -> None:
    """Decide every pair not decided yet (candidates without a profile are left out): each
    pair is judged once, and explained only when it links."""
    window, profiles = planned.window_days, planned.profiles
    for entry in planned.entries:
        known = planned.decisions.get(entry.clue_id)
        if not known:  # the plan's first scoring, every pair new (without the two lists of
            # the re-check below: scoring 181 -> 174 µs per clue, three synthetic runs' plans)
            found = [c for c in planned.found[entry.clue_id] if c in profiles]
            verdicts = judged_all(entry.profile, list(map(profiles.__getitem__, found)),
                                  window_days=window)
            planned.decisions[entry.clue_id] = dict(zip(found, [v or _APART for v in verdicts],
                                                        strict=True))
            continue
        found = [c for c in planned.found[entry.clue_id] if c in known or c in profiles]
        new = [c for c in found if c not in known]
        verdicts = dict(zip(new, judged_all(entry.profile, [profiles[c] for c in new],
                                            window_days=window), strict=True))
        planned.decisions[entry.clue_id] = {
            c: known[c] if c in known else verdicts[c] or _APART for c in found}


def _recheck(session: Session, planned: Plan) -> int:
    """Merge the clues of batches linked since the plan's read (`planned.seen`) into the
    candidate lists, rank again and score the new pairs; `planned.seen` becomes the last
    batch number merged, which is returned. Under the lock, this is every batch linked."""
    connection = session.connection()
    later = repository.batches_after(connection, planned.seen)
    if not later:
        return planned.seen
    meanwhile = sorted({entry[0] for _, entries in later for entry in entries})
    planned.rechecked += len(meanwhile)
    gone = set(meanwhile)
    planned.entries = [e for e in planned.entries if e.clue_id not in gone]
    stale = later[0][0] != planned.seen + 1  # the plan is older than the batches kept
    planned.seen = later[-1][0]
    if stale:  # plan again (under the lock: without the batch's own rows, written by then)
        fresh = plan(session, planned.entries, planned.window_days, fresh_only=False,
                     written=planned.written.intersection(e.clue_id for e in planned.entries))
        planned.__dict__.update({k: v for k, v in fresh.__dict__.items()
                                 if k not in ("rechecked", "written")})
        return planned.seen  # that plan saw every batch linked before its read
    if planned.entries:
        wanted = {request[0] for request in planned.bands}
        by_key: dict[int, list[int]] = {}
        for _, entries in later:
            for clue_id, day, keys in entries:
                held = ranking.holder(day, clue_id)
                for key in keys:
                    if key in wanted:
                        by_key.setdefault(key, []).append(held)
        planned.bands = _merged(planned.bands, by_key, lambda _: index.PER_BAND)
        others = {row[0]: index.profile_of_row(row)
                  for row in repository.profile_rows(connection, meanwhile)}
        by_field: dict[tuple[str, str], list[int]] = {}
        for clue_id, profile in others.items():
            for kind, value in profile.field_keys():
                by_field.setdefault((kind, value[:120]), []).append(
                    ranking.holder(index.day_of(profile.reported_at), clue_id))
        planned.fields = _merged(planned.fields, by_field,
                                 index.field_list_length,
                                 key=lambda request: request[:2])
        planned.profiles.update(others)
        _rank(planned)
        _load_profiles(session, planned)
        _score(planned)
    return planned.seen


def _merged(lists: dict[Any, list[int]], extra: dict[Any, list[int]], limit: Any,
            key: Any = itemgetter(0)) -> dict[Any, list[int]]:
    """Each request's list (key, …, low day, high day) with the holders of `extra` under its
    key that fall in its days, the latest `limit(request[0])` of both, latest first. A list
    nothing is added to stays the same object; requests of one key that get the same stored
    list and the same holders share the result."""
    ascending = {k: sorted(holders) for k, holders in extra.items()}
    done: dict[tuple[int, int, int, int], list[int]] = {}
    result = {}
    for request, listed in lists.items():
        holders = ascending.get(key(request))
        if not holders:
            result[request] = listed
            continue
        low, high = request[-2], request[-1]
        n = limit(request[0])
        top = bisect_left(holders, (high + 1) << 32)
        first = max(bisect_left(holders, low << 32), top - n)
        if first >= top:
            result[request] = listed
            continue
        once = (id(listed), id(holders), first, top)
        joined = done.get(once)
        if joined is None:
            joined = done[once] = sorted(set(listed).union(holders[first:top]),
                                         reverse=True)[:n]
        result[request] = joined
    return result


# --- linking, in memory ----------------------------------------------------------------


class _Linker:
    """Links a planned batch clue by clue in memory; clusters it starts get temporary
    (negative) ids until `write` inserts them all at once."""

    def __init__(self, planned: Plan, standing: list[tuple[int, int, bool]],
                 now: datetime) -> None:
        self.planned = planned
        self.now = now
        self.clusters: dict[int, int] = {}  # clue id -> cluster
        self.detached: set[tuple[int, int]] = set()  # (clue, cluster) reviewers took apart
        for clue_id, cluster_id, detached in standing:
            if detached:
                self.detached.add((clue_id, cluster_id))
            else:
                self.clusters[clue_id] = cluster_id
        self.created: list[tuple[int, int]] = []  # (temporary id, lead clue)
        self.joins: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.grown: dict[int, list[tuple[int, str, datetime]]] = {}
        self.events: list[dict[str, Any]] = []
        self.real: dict[int, int] = {}

    def link(self, entry: index.Entry) -> dict[str, Any]:
        now, profiles = self.now, self.planned.profiles
        found = self.planned.found[entry.clue_id]
        decisions = self.planned.decisions[entry.clue_id]
        matches = sorted(((d.score, c) for c, d in decisions.items() if d.linked), reverse=True)
        if not matches:
            detail = {"cluster_id": None, "candidates": len(found)}
            self.events.append(clusters.event(entry.clue_id, ACTION, clusters.SYSTEM, now,
                                              **detail))
            return detail
        matched = [c for _, c in matches]
        current = {c: self.clusters[c] for c in matched if c in self.clusters}
        best = matched[0]
        target = current.get(best)
        pulled, joined = [], []
        if target is None:
            target = -(len(self.created) + 1)
            self.created.append((target, best))
            self._join(target, best, decisions[best], entry.clue_id)
            pulled.append(self._pulled(best, target, decisions[best], entry.clue_id))
            joined.append((best, profiles[best]))
        if (entry.clue_id, target) in self.detached:
            self._grow(target, joined)
            detail = {"cluster_id": None, "candidates": len(found), "refused": target}
            self.events += [clusters.event(entry.clue_id, ACTION, clusters.SYSTEM, now,
                                           **detail), *pulled]
            return detail
        self._join(target, entry.clue_id, decisions[best], best)
        joined.append((entry.clue_id, entry.profile))
        for c in matched[1:]:
            if c not in current and (c, target) not in self.detached:
                current[c] = target
                self._join(target, c, decisions[c], entry.clue_id)
                pulled.append(self._pulled(c, target, decisions[c], entry.clue_id))
                joined.append((c, profiles[c]))
        self._grow(target, joined)
        others = sorted({current[c] for c in matched if c in current} - {target})
        detail = {"cluster_id": target, "linked_to": best, "score": decisions[best].score,
                  "reasons": decisions[best].reasons, "candidates": len(found)}
        if others:
            detail["other_clusters"] = others
        self.events += [clusters.event(entry.clue_id, ACTION, clusters.SYSTEM, now, **detail),
                        *pulled]
        return detail

    def _join(self, cluster_id: int, clue_id: int, decision: Decision, other: int) -> None:
        self.clusters[clue_id] = cluster_id
        self.joins.append({"clue_id": clue_id, "cluster_id": cluster_id})
        self.links.append({"cluster_id": cluster_id, "clue_id": clue_id, "score": decision.score,
                           "reasons": {**decision.reasons, "linked_to": other},
                           "linked_by": clusters.SYSTEM, "created_at": self.now})

    def _grow(self, cluster_id: int, joined: list[tuple[int, Profile]]) -> None:
        self.grown.setdefault(cluster_id, []).extend(
            (clue_id, profile.channel, profile.reported_at) for clue_id, profile in joined)

    def _pulled(self, clue_id: int, cluster_id: int, decision: Decision,
                by_clue: int) -> dict[str, Any]:
        return clusters.event(clue_id, ACTION, clusters.SYSTEM, self.now, cluster_id=cluster_id,
                              linked_to=by_clue, score=decision.score, reasons=decision.reasons)

    def write(self, session: Session) -> None:
        """Insert the new clusters (one statement), then the memberships, links, counts."""
        made = clusters.create_many(session, [lead for _, lead in self.created], self.now)
        self.real = {temp: real for (temp, _), real in zip(self.created, made, strict=True)}
        for row in (*self.joins, *self.links):
            row["cluster_id"] = self._id(row["cluster_id"])
        grown = {self._id(k): v for k, v in self.grown.items()}
        for event in self.events:
            event["detail"] = self.real_detail(event["detail"])
        clusters.join_many(session, self.joins, self.links)
        clusters.grow_many(session, grown, self.now)

    def _id(self, cluster_id: int | None) -> int | None:
        return self.real.get(cluster_id, cluster_id) if cluster_id is not None else None

    def real_detail(self, detail: dict[str, Any]) -> dict[str, Any]:
        if not self.real:
            return detail
        detail = dict(detail)
        for name in ("cluster_id", "refused"):
            if detail.get(name) is not None:
                detail[name] = self._id(detail[name])
        if "other_clusters" in detail:
            detail["other_clusters"] = sorted(self._id(c) for c in detail["other_clusters"])
        return detail

