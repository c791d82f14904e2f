"""Linking: index new clues, score their candidates, put them into clusters, say why.

A new clue joins the cluster of the candidate it matches best; when that candidate is in no
cluster yet, the two start one. Other matching candidates that are in no cluster join too
(the new clue is the bridge, and each link keeps its own score and reasons); matching
candidates in *other* clusters are only named in the event (`other_clusters`), for a
reviewer to merge: the system never merges clusters on its own, and never puts back a clue a
reviewer took out of a cluster.

Concurrency: indexing and linking take a lock that serializes them across processes until
the transaction commits, so the second of two workers always sees the first one's clues and
clusters. On PostgreSQL that is a transaction-level advisory lock (index.lock_linking;
reviewers' operations take it too); on SQLite the first insert takes the database's one write
lock (the transaction begins at the first write), and within a process the write gate
already queues the workers. The alternative, a unique constraint and a retry, would not do:
two workers that each see no cluster for a new problem would still each open one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from hub.correlate import clusters, index, queries
from hub.correlate.decide import WINDOW_DAYS, Decision, decide
from hub.correlate.profile import Profile

ACTION = "correlated"


def index_and_link(session: Session, entries: list[index.Entry], now: datetime,
                   window_days: int = WINDOW_DAYS) -> dict[int, dict[str, Any]]:
    """Index the entries not indexed yet and link them, one by one in the order they were
    reported (each is indexed just before it is linked: a batch's later clues are not yet
    candidates of its earlier ones, they find them). Returns each one's event detail.

    What the batch writes to clusters waits for its end (`Batch`): the memberships and links
    in one statement each, and each cluster's counts and lead once, not once per clue."""
    done = index.indexed(session, [e.clue_id for e in entries])
    fresh = sorted((e for e in entries if e.clue_id not in done),
                   key=lambda e: (e.profile.reported_at, e.clue_id))
    index.lock_linking(session)
    index.add_profiles(session, fresh, now)
    batch = Batch(session)
    batch.learn([e.clue_id for e in fresh])
    details, events = {}, []
    for entry in fresh:
        index.add_keys(session, [entry])
        detail, more = link_one(session, entry, now, window_days, batch)
        details[entry.clue_id] = detail
        events += [clusters.event(entry.clue_id, ACTION, clusters.SYSTEM, now, **detail), *more]
    batch.flush(now)
    clusters.record(session, events)
    return details


class Batch:
    """What one batch of linking knows and has yet to write, under the linking lock.

    While the lock is held nobody else changes memberships or reviewers' detachments, so
    what was read once stays true but for the batch's own joins, kept here: `cluster_of`
    and `detached` ask the database only about clues not asked about yet, and candidates'
    profiles are decoded once per batch. The joins are written by `flush`, which also counts
    each grown cluster once with all its arrivals (the lead is the earliest of them all and
    the members add up, as if grown clue by clue)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.clusters: dict[int, int | None] = {}  # clue id -> cluster (None: in none)
        self.detached: dict[int, set[int]] = {}  # clue id -> clusters reviewers took it out of
        self.profiles: dict[int, Profile] = {}
        self.joins: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.grown: dict[int, list[tuple[int, str, datetime]]] = {}

    def learn(self, clue_ids: list[int]) -> None:
        """Read, in one statement, the clusters and detachments of clues not read yet."""
        unknown = [c for c in dict.fromkeys(clue_ids) if c not in self.clusters]
        if not unknown:
            return
        for c in unknown:
            self.clusters[c], self.detached[c] = None, set()
        rows = queries.standing(self.session.connection(), unknown, clusters.SYSTEM)
        for clue_id, cluster_id, detached in rows:
            if detached:
                self.detached[clue_id].add(cluster_id)
            else:
                self.clusters[clue_id] = cluster_id

    def cluster_of(self, clue_ids: list[int]) -> dict[int, int]:
        self.learn(clue_ids)
        return {c: self.clusters[c] for c in clue_ids if self.clusters[c] is not None}

    def detached_by_reviewers(self, clue_ids: list[int]) -> set[tuple[int, int]]:
        self.learn(clue_ids)
        return {(c, k) for c in clue_ids for k in self.detached[c]}

    def profiles_of(self, clue_ids: list[int]) -> dict[int, Profile]:
        unknown = [c for c in clue_ids if c not in self.profiles]
        if unknown:
            self.profiles.update(index.profiles(self.session, unknown))
        self.session.info.pop(index.READ, None)
        return {c: self.profiles[c] for c in clue_ids if c in self.profiles}

    def join(self, cluster_id: int, clue_id: int, decision: Decision, other: int,
             now: datetime) -> None:
        self.clusters[clue_id] = cluster_id
        self.joins.append({"clue_id": clue_id, "cluster_id": cluster_id})
        self.links.append({"cluster_id": cluster_id, "clue_id": clue_id, "score": decision.score,
                           "reasons": {**decision.reasons, "linked_to": other},
                           "linked_by": clusters.SYSTEM, "created_at": now})

    def grow(self, cluster_id: int, added: list[tuple[int, str, datetime]]) -> None:
        self.grown.setdefault(cluster_id, []).extend(added)

    def flush(self, now: datetime) -> None:
        clusters.join_many(self.session, self.joins, self.links)
        clusters.grow_many(self.session, self.grown, now)
        self.joins, self.links, self.grown = [], [], {}


def link_one(session: Session, entry: index.Entry, now: datetime, window_days: int,
             batch: Batch | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Link one indexed clue. Returns its event detail and the events of clues it pulled in.
    Without a `batch` its writes are made at once."""
    alone = batch is None
    batch = batch or Batch(session)
    found = index.candidates(session, entry, window_days)
    profiles = batch.profiles_of(found)
    decisions = {cid: decide(entry.profile, profile, window_days=window_days)
                 for cid, profile in profiles.items()}
    matches = sorted(((d.score, cid) for cid, d in decisions.items() if d.linked), reverse=True)
    if not matches:
        return {"cluster_id": None, "candidates": len(found)}, []
    matched = [cid for _, cid in matches]
    current = batch.cluster_of(matched)
    blocked = batch.detached_by_reviewers([entry.clue_id, *matched])
    best = matched[0]
    target = current.get(best)
    events, joined = [], []
    if target is None:
        target = clusters.create(session, best, now)
        batch.join(target, best, decisions[best], entry.clue_id, now)
        events.append(_pulled(best, target, decisions[best], entry.clue_id, now))
        joined.append((best, profiles[best]))
    if (entry.clue_id, target) in blocked:
        batch.grow(target, _arrivals(joined))
        if alone:
            batch.flush(now)
        return {"cluster_id": None, "candidates": len(found), "refused": target}, events
    batch.join(target, entry.clue_id, decisions[best], best, now)
    joined.append((entry.clue_id, entry.profile))
    for cid in matched[1:]:
        if cid not in current and (cid, target) not in blocked:
            current[cid] = target
            batch.join(target, cid, decisions[cid], entry.clue_id, now)
            events.append(_pulled(cid, target, decisions[cid], entry.clue_id, now))
            joined.append((cid, profiles[cid]))
    batch.grow(target, _arrivals(joined))
    if alone:
        batch.flush(now)
    others = sorted({current[c] for c in matched if c in current} - {target})
    detail = {"cluster_id": target, "linked_to": best, "score": decisions[best].score,
              "reasons": decisions[best].reasons, "candidates": len(found)}
    if others:
        detail["other_clusters"] = others
    return detail, events


def _arrivals(joined: list[tuple[int, Any]]) -> list[tuple[int, str, datetime]]:
    return [(clue_id, profile.channel, profile.reported_at) for clue_id, profile in joined]


def _pulled(clue_id: int, cluster_id: int, decision: Decision, by_clue: int,
            now: datetime) -> dict[str, Any]:
    return clusters.event(clue_id, ACTION, clusters.SYSTEM, now, cluster_id=cluster_id,
                          linked_to=by_clue, score=decision.score, reasons=decision.reasons)
