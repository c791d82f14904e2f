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

from hub.correlate import clusters, index
from hub.correlate.decide import WINDOW_DAYS, Decision, decide

ACTION = "correlated"


def index_and_link(session: Session, entries: list[index.Entry], now: datetime,
                   window_days: int = WINDOW_DAYS) -> dict[int, dict[str, Any]]:
    """Index the entries not indexed yet and link them, one by one in the order they were
    reported (each is indexed just before it is linked: a batch's later clues are not yet
    candidates of its earlier ones, they find them). Returns each one's event detail."""
    done = index.indexed(session, [e.clue_id for e in entries])
    fresh = sorted((e for e in entries if e.clue_id not in done),
                   key=lambda e: (e.profile.reported_at, e.clue_id))
    index.lock_linking(session)
    details, events = {}, []
    for entry in fresh:
        index.add(session, [entry], now)
        detail, more = link_one(session, entry, now, window_days)
        details[entry.clue_id] = detail
        events += [clusters.event(entry.clue_id, ACTION, clusters.SYSTEM, now, **detail), *more]
    clusters.record(session, events)
    return details


def link_one(session: Session, entry: index.Entry, now: datetime,
             window_days: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Link one indexed clue. Returns its event detail and the events of clues it pulled in."""
    found = index.candidates(session, entry, window_days)
    profiles = index.profiles(session, found)
    decisions = {cid: decide(entry.profile, profile, window_days=window_days)
                 for cid, profile in profiles.items()}
    matches = sorted(((d.score, cid) for cid, d in decisions.items() if d.linked), reverse=True)
    if not matches:
        return {"cluster_id": None, "candidates": len(found)}, []
    matched = [cid for _, cid in matches]
    current = clusters.cluster_of(session, matched)
    blocked = clusters.detached_by_reviewers(session, [entry.clue_id, *matched])
    best = matched[0]
    target = current.get(best)
    events, joined = [], []
    if target is None:
        target = clusters.create(session, best, now)
        _join(session, target, best, decisions[best], entry.clue_id, now)
        events.append(_pulled(best, target, decisions[best], entry.clue_id, now))
        joined.append((best, profiles[best]))
    if (entry.clue_id, target) in blocked:
        clusters.grow(session, target, _arrivals(joined), now)
        return {"cluster_id": None, "candidates": len(found), "refused": target}, events
    _join(session, target, entry.clue_id, decisions[best], best, now)
    joined.append((entry.clue_id, entry.profile))
    for cid in matched[1:]:
        if cid not in current and (cid, target) not in blocked:
            current[cid] = target
            _join(session, target, cid, decisions[cid], entry.clue_id, now)
            events.append(_pulled(cid, target, decisions[cid], entry.clue_id, now))
            joined.append((cid, profiles[cid]))
    clusters.grow(session, target, _arrivals(joined), now)
    others = sorted({current[c] for c in matched if c in current} - {target})
    detail = {"cluster_id": target, "linked_to": best, "score": decisions[best].score,
              "reasons": decisions[best].reasons, "candidates": len(found)}
    if others:
        detail["other_clusters"] = others
    return detail, events


def _arrivals(joined: list[tuple[int, Any]]) -> list[tuple[int, str, datetime]]:
    return [(clue_id, profile.channel, profile.reported_at) for clue_id, profile in joined]


def _join(session: Session, cluster_id: int, clue_id: int, decision: Decision, other: int,
          now: datetime) -> None:
    clusters.join(session, cluster_id, clue_id, score=decision.score,
                  reasons={**decision.reasons, "linked_to": other}, by=clusters.SYSTEM, now=now)


def _pulled(clue_id: int, cluster_id: int, decision: Decision, by_clue: int,
            now: datetime) -> dict[str, Any]:
    return clusters.event(clue_id, ACTION, clusters.SYSTEM, now, cluster_id=cluster_id,
                          linked_to=by_clue, score=decision.score, reasons=decision.reasons)
