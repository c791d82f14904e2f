"""The labelled pairs (data/pairs.jsonl) and how well the link decision does on them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hub.correlate.decide import Decision, decide
from hub.correlate.profile import Profile, build_profile

PAIRS = Path(__file__).resolve().parent / "data" / "pairs.jsonl"
# Written after the weights were frozen; evaluated, never tuned on (see data/build_pairs.py).
BLIND_PAIRS = PAIRS.with_name("blind_pairs.jsonl")
BLIND_CLUES = PAIRS.with_name("blind_clues.jsonl")
# Written on 2026-12-01 before its first run, rich in hard cases (see data/build_pairs.py).
BLIND3_PAIRS = PAIRS.with_name("blind3_pairs.jsonl")
BLIND3_CLUES = PAIRS.with_name("blind3_clues.jsonl")


@dataclass(frozen=True)
class Scores:
    pairs: int
    related: int
    true_links: int
    false_links: int

    @property
    def precision(self) -> float:
        made = self.true_links + self.false_links
        return self.true_links / made if made else 1.0

    @property
    def recall(self) -> float:
        return self.true_links / self.related if self.related else 1.0


def load_pairs(path: Path = PAIRS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def profile_of(clue: dict[str, Any]) -> Profile:
    return build_profile(
        title=clue["title"], content=clue["content"], channel=clue["channel"],
        region_code=clue.get("region_code"), subjects=clue.get("subjects"),
        references=clue.get("references"),
        reported_at=datetime.fromisoformat(clue["reported_at"]),
    )


def judge(pairs: list[dict[str, Any]],
          decision: Callable[[Profile, Profile], Decision] = decide) -> list[tuple[dict, Decision]]:
    """Each pair with the decision made on it (profiles computed once per clue)."""
    profiles: dict[str, Profile] = {}
    for pair in pairs:
        for side in ("a", "b"):
            clue = pair[side]
            if clue["id"] not in profiles:
                profiles[clue["id"]] = profile_of(clue)
    return [(p, decision(profiles[p["a"]["id"]], profiles[p["b"]["id"]])) for p in pairs]


def score(judged: list[tuple[dict, Decision]]) -> Scores:
    return Scores(
        pairs=len(judged),
        related=sum(p["related"] for p, _ in judged),
        true_links=sum(p["related"] and d.linked for p, d in judged),
        false_links=sum(not p["related"] and d.linked for p, d in judged),
    )


def report(judged: list[tuple[dict, Decision]]) -> dict[str, Scores]:
    """Scores on the tuning part, the held-out part and the whole set."""
    return {
        "tuning": score([(p, d) for p, d in judged if not p["held_out"]]),
        "held_out": score([(p, d) for p, d in judged if p["held_out"]]),
        "overall": score(judged),
    }


def load_clues(path: Path = PAIRS.with_name("clues.jsonl")) -> list[dict[str, Any]]:
    """Every labelled clue once (the pairs are built from these)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def clue(clue_id: str) -> dict[str, Any]:
    """One labelled clue by its id (e.g. S01-2), for tests and examples."""
    if not _BY_ID:
        _BY_ID.update((c["id"], c) for c in load_clues())
    return dict(_BY_ID[clue_id])


_BY_ID: dict[str, dict[str, Any]] = {}


def as_clustered(pairs: list[dict[str, Any]],
                 cluster_of: dict[str, int | None]) -> list[tuple[dict, Decision]]:
    """The pairs judged by the clusters the clues ended in (labelled id -> cluster id):
    a pair is linked when both clues are in one cluster, however they got there."""
    judged = []
    for pair in pairs:
        a, b = cluster_of.get(pair["a"]["id"]), cluster_of.get(pair["b"]["id"])
        together = a is not None and a == b
        judged.append((pair, Decision(together, 1.0 if together else 0.0)))
    return judged
