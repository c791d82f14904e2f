"""Build pairs.jsonl from clues.jsonl: the labelled set of related / unrelated clue pairs.

clues.jsonl holds hand-written clues, each about one problem (its `scenario`), as the channel
that sent it would write it. Scenarios about the same subject unit share a `family`; scenarios
written from the same template about other places share a `tag`.

* related: every pair of clues about one problem (same scenario);
* unrelated, hard: the same family (same subject unit, a different problem), the same tag
  (the same template about another place) or marked confusable;
* unrelated, plain: a fixed sample of pairs from the same region, and from anywhere.

Held out (never tuned on): every pair that touches a scenario whose number % 4 == 0, so no
text of a held-out pair was seen while tuning.

The blind set (blind_clues.jsonl -> blind_pairs.jsonl, `--blind`) was written after the
weights were frozen and is evaluated, never tuned on: its pairs are every pair within it,
plus each of its clues against the clues of the main set of the same family or tag (hard
negatives), plus a fixed sample against the rest.

The third set (blind3_clues.jsonl -> blind3_pairs.jsonl, `--blind3`, scenarios C01 …) was
written on 2026-12-01 before it was ever run, to add the hard cases the first blind set had
few of: the same bureau with another problem (the 治超站, 车管所, 仲裁院 next to the main set's
problems of the same units), the same problem in other words across channels and months (up
to five months apart), templates about other places, and a case number cited by a court, a
procuratorate and a letter. It is built like the blind set.

Run: .venv/bin/python hub/correlate/data/build_pairs.py [--blind | --blind3]
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLUE_FIELDS = ("id", "channel", "reported_at", "region_code", "title", "content", "subjects",
               "references")
SAME_REGION_SAMPLE = 40
RANDOM_SAMPLE = 40


def held_out(scenario: str) -> bool:
    """Scenario number % 4 == 0, and every scenario of the blind sets (B01 …, C01 …)."""
    return scenario[0] in "BC" or int(scenario.lstrip("S")) % 4 == 0


def related_kind(a: dict, b: dict) -> str:
    values = {r["value"] for r in a["references"] if r["kind"] != "ticket"}
    others = {r["value"] for r in b["references"] if r["kind"] != "ticket"}
    text_a, text_b = a["title"] + a["content"], b["title"] + b["content"]
    if values & others or any(v in text_b for v in values) or any(v in text_a for v in others):
        return "shared_reference"
    return "same_channel" if a["channel"] == b["channel"] else "different_wording"


def unrelated_kind(a: dict, b: dict) -> str | None:
    if a["family"] == b["family"]:
        return "same_subject_other_problem"
    if set(a.get("tags", [])) & set(b.get("tags", [])):
        return "template_other_place"
    if b["scenario"] in a.get("confusable_with", []) or a["scenario"] in b.get(
            "confusable_with", []):
        return "confusable"
    return None


def build(clues: list[dict], same_region: int = SAME_REGION_SAMPLE,
          anywhere: int = RANDOM_SAMPLE) -> list[dict]:
    pairs, regional, elsewhere = [], [], []
    for a, b in itertools.combinations(clues, 2):
        if a["scenario"] == b["scenario"]:
            pairs.append((a, b, True, related_kind(a, b)))
        elif kind := unrelated_kind(a, b):
            pairs.append((a, b, False, kind))
        elif a["region_code"] == b["region_code"]:
            regional.append((a, b, False, "same_region"))
        else:
            elsewhere.append((a, b, False, "unrelated"))
    rng = random.Random(20241122)
    pairs += rng.sample(regional, same_region) + rng.sample(elsewhere, anywhere)
    rows = []
    for index, (a, b, related, kind) in enumerate(pairs):
        rows.append({
            "index": index, "related": related, "kind": kind,
            "held_out": held_out(a["scenario"]) or held_out(b["scenario"]),
            "a": {k: a[k] for k in CLUE_FIELDS}, "b": {k: b[k] for k in CLUE_FIELDS},
        })
    return rows


def build_blind(blind: list[dict], main_set: list[dict]) -> list[dict]:
    rows = build(blind, same_region=0, anywhere=0)
    rng = random.Random(20241123)
    extra, rest = [], []
    for a, b in itertools.product(blind, main_set):
        kind = unrelated_kind(a, b)
        (extra if kind else rest).append((a, b, kind or "unrelated"))
    extra += rng.sample(rest, RANDOM_SAMPLE)
    for a, b, kind in extra:
        rows.append({"index": len(rows), "related": False, "kind": kind, "held_out": True,
                     "a": {k: a[k] for k in CLUE_FIELDS}, "b": {k: b[k] for k in CLUE_FIELDS}})
    for row in rows:
        row["held_out"] = True
    return rows


def _read(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main() -> None:
    blind = next((a.lstrip("-") for a in sys.argv[1:] if a in ("--blind", "--blind3")), None)
    if blind:
        rows = build_blind(_read(f"{blind}_clues.jsonl"), _read("clues.jsonl"))
        name = f"{blind}_pairs.jsonl"
    else:
        rows, name = build(_read("clues.jsonl")), "pairs.jsonl"
    with (HERE / name).open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    held = sum(r["held_out"] for r in rows)
    print(f"{len(rows)} pairs ({sum(r['related'] for r in rows)} related), {held} held out")


if __name__ == "__main__":
    main()
