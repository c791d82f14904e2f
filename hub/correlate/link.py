"""Linking: index new clues, score their candidates, put them into clusters, say why.

A new clue joins the cluster of the candidate it matches best; when that candidate is in no
cluster yet, the two start one. Other matching candidates that are in no cluster join too
(the new clue is the bridge, and each link keeps its own score and reasons); matching
candidates in *other* clusters are only named in the event (`other_clusters`), for a
reviewer to merge: the system never merges clusters on its own, and never puts back a clue a
reviewer took out of a cluster.

Concurrency: keys are inserted first, then linking takes a lock that serializes it across
processes until the transaction commits, so the second of two workers always sees the first
one's clues and clusters. On PostgreSQL that is a transaction-level advisory lock
(index.lock_linking; reviewers' operations take it too); on SQLite the inserts themselves
take the database's one write lock (the transaction begins at the first write), and within a
process the write gate already queues the workers. The alternative, a unique constraint and
a retry, would still let two workers each open a cluster for the same new problem.
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
    """Index the entries not indexed yet and link them. Returns each one's event detail."""
    done = index.indexed(session, [e.clue_id for e in entries])
    fresh = [e for e in entries if e.clue_id not in done]
    index.add(session, fresh, now)
    index.lock_linking(session)
    pending = {e.clue_id for e in fresh}
    details, events = {}, []
    for entry in sorted(fresh, key=lambda e: (e.profile.reported_at, e.clue_id)):
        pending.discard(entry.clue_id)
        detail, more = link_one(session, entry, pending, now, window_days)
        details[entry.clue_id] = detail
        events += [clusters.event(entry.clue_id, ACTION, clusters.SYSTEM, now, **detail), *more]
    clusters.record(session, events)
    return details


def link_one(session: Session, entry: index.Entry, skip: set[int], now: datetime,
             window_days: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Link one indexed clue. Returns its event detail and the events of clues it pulled in."""
    found = [c for c in index.candidates(session, entry, window_days) if c not in skip]
    decisions = {cid: decide(entry.profile, profile, window_days=window_days)
                 for cid, profile in index.profiles(session, found).items()}
    matches = sorted(((d.score, cid) for cid, d in decisions.items() if d.linked), reverse=True)
    if not matches:
        return {"cluster_id": None, "candidates": len(found)}, []
    matched = [cid for _, cid in matches]
    current = clusters.cluster_of(session, matched)
    blocked = clusters.detached_by_reviewers(session, [entry.clue_id, *matched])
    best = matched[0]
    target = current.get(best)
    events = []
    if target is None:
        target = clusters.create(session, best, now)
        _join(session, target, best, decisions[best], entry.clue_id, now)
        events.append(_pulled(best, target, decisions[best], entry.clue_id, now))
    if (entry.clue_id, target) in blocked:
        return {"cluster_id": None, "candidates": len(found), "refused": target}, events
    _join(session, target, entry.clue_id, decisions[best], best, now)
    for cid in matched[1:]:
        if cid not in current and (cid, target) not in blocked:
            current[cid] = target
            _join(session, target, cid, decisions[cid], entry.clue_id, now)
            events.append(_pulled(cid, target, decisions[cid], entry.clue_id, now))
    clusters.refresh(session, target, now)
    others = sorted({current[c] for c in matched if c in current} - {target})
    detail = {"cluster_id": target, "linked_to": best, "score": decisions[best].score,
              "reasons": decisions[best].reasons, "candidates": len(found)}
    if others:
        detail["other_clusters"] = others
    return detail, events


def _join(session: Session, cluster_id: int, clue_id: int, decision: Decision, other: int,
          now: datetime) -> None:
    clusters.join(session, cluster_id, clue_id, score=decision.score,
                  reasons={**decision.reasons, "linked_to": other}, by=clusters.SYSTEM, now=now)


def _pulled(clue_id: int, cluster_id: int, decision: Decision, by_clue: int,
            now: datetime) -> dict[str, Any]:
    return clusters.event(clue_id, ACTION, clusters.SYSTEM, now, cluster_id=cluster_id,
                          linked_to=by_clue, score=decision.score, reasons=decision.reasons)
