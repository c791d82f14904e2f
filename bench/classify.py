"""Accuracy and speed of hub.normalize.classify on the labelled evaluation set.

Run: .venv/bin/python bench/classify.py [--errors] [--tuning-only] [--all-confusions]

Two more sets are only reported, never listed in errors:
* eval_fresh.jsonl (60) was written after tuning on eval_set.jsonl; its first, blind run gave
  73.3% category / 84.4% field accuracy. Its failure modes (colloquial clues falling to `other`)
  then informed a vocabulary expansion, so its current figure is not blind.
* eval_blind2.jsonl (40) was written after that expansion, with the rules frozen; it is the
  honest estimate for new wording: 77.5% category / 77.8% field at its one and only run.
* eval_blind3.jsonl (200, 20 per category) was written on 2026-12-01 before any run, then run
  once before and once after the next round of tuning (tuned on the other sets only); its
  figures are in docs/performance.md.

Items of eval_set.jsonl whose line index % 4 == 0 are held out: keyword rules are tuned on the
others only, so by default confusion pairs and `--errors` cover the tuning part alone.
`--all-confusions` adds the confusion pairs of the whole set (for reporting, once tuning is done).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.normalize.classify import CATEGORY_LABELS, classify  # noqa: E402

DATA = ROOT / "hub" / "normalize" / "classify_data"
EVAL_SET = DATA / "eval_set.jsonl"
# Extra sets written after tuning, in deliberately different wording (see the docstring).
EXTRA_SETS = [
    ("fresh set (not blind now)", DATA / "eval_fresh.jsonl"),
    ("blind set 2 (not blind now)", DATA / "eval_blind2.jsonl"),
    ("blind set 3 (never tuned on)", DATA / "eval_blind3.jsonl"),
]


def load(path: Path = EVAL_SET) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def run(items: list[dict]) -> list[dict]:
    rows = []
    for index, item in enumerate(items):
        got = classify(item["title"], item["content"], item["channel"])
        rows.append(
            {
                **item,
                "index": index,
                "held_out": index % 4 == 0,
                "got": got.category,
                "got_field": got.field,
                "matched": got.matched,
            }
        )
    return rows


def accuracy(rows: list[dict]) -> tuple[int, int, float]:
    correct = sum(r["got"] == r["category"] for r in rows)
    return len(rows), correct, correct / len(rows) if rows else 0.0


def field_accuracy(rows: list[dict]) -> tuple[int, int, float]:
    with_field = [r for r in rows if r["field"]]
    correct = sum(r["got_field"] == r["field"] for r in with_field)
    return len(with_field), correct, correct / len(with_field) if with_field else 0.0


def line(name: str, stats: tuple[int, int, float]) -> str:
    n, correct, acc = stats
    return f"{name:<28}{n:>6}{correct:>9}{acc:>10.1%}"


def print_tables(rows: list[dict], tuning_only: bool = False) -> None:
    shown = [r for r in rows if not (tuning_only and r["held_out"])]
    print(f"{'category':<28}{'n':>6}{'correct':>9}{'accuracy':>10}")
    print("-" * 53)
    for category in CATEGORY_LABELS:
        print(line(category, accuracy([r for r in shown if r["category"] == category])))
    print("-" * 53)
    tuning = [r for r in rows if not r["held_out"]]
    held = [r for r in rows if r["held_out"]]
    print(line("overall category", accuracy(rows)))
    print(line("  tuning part (i%4!=0)", accuracy(tuning)))
    print(line("  held-out part (i%4==0)", accuracy(held)))
    print(line("field (items with a field)", field_accuracy(rows)))
    print(line("  field, tuning part", field_accuracy(tuning)))
    print(line("  field, held-out part", field_accuracy(held)))


def print_extra_sets() -> None:
    for name, path in EXTRA_SETS:
        if not path.exists():
            continue
        rows = run(load(path))
        print(f"\n{name}: {len(rows)} clues, {path.relative_to(ROOT)}")
        print(f"{'category':<28}{'n':>6}{'correct':>9}{'accuracy':>10}")
        print("-" * 53)
        for category in CATEGORY_LABELS:
            print(line(category, accuracy([r for r in rows if r["category"] == category])))
        print("-" * 53)
        print(line("overall category", accuracy(rows)))
        print(line("field (items with a field)", field_accuracy(rows)))
        print_confusions(rows, name, top=5)


def print_confusions(rows: list[dict], title: str, top: int = 10) -> None:
    pairs = Counter((r["category"], r["got"]) for r in rows if r["got"] != r["category"])
    print(f"\nmost frequent confusions, {title} (expected -> got):")
    for (want, got), count in pairs.most_common(top):
        print(f"  {count:>3}  {want:<26} -> {got}")
    if not pairs:
        print("  none")


def print_errors(rows: list[dict]) -> None:
    print("\nerrors on the tuning part:")
    for r in rows:
        if r["held_out"]:
            continue
        if r["got"] != r["category"] or (r["field"] and r["got_field"] != r["field"]):
            print(
                f"  [{r['index']}] {r['channel']}: {r['category']}/{r['field']} -> "
                f"{r['got']}/{r['got_field']} {list(r['matched'])}\n      {r['title']}"
            )


def timing(items: list[dict], rounds: int = 15) -> None:
    """Per clue: median of `rounds` calls (robust to a busy machine); then mean/p99 over clues."""
    classify("预热", "预热")
    per_clue, raw = [], []
    for item in items:
        text = item["content"]
        padded = (text * (300 // max(len(text), 1) + 1))[:300]
        samples = []
        for _ in range(rounds):
            start = time.perf_counter_ns()
            classify(item["title"], padded, item["channel"])
            samples.append(time.perf_counter_ns() - start)
        per_clue.append(statistics.median(samples))
        raw.extend(samples)
    per_clue.sort()
    raw.sort()
    mean_ms = statistics.fmean(per_clue) / 1e6
    p99_ms = per_clue[int(len(per_clue) * 0.99)] / 1e6
    raw_p99_ms = raw[int(len(raw) * 0.99)] / 1e6
    print(
        f"\ntime per clue (content padded to 300 chars, median of {rounds} runs each, "
        f"{len(per_clue)} clues): mean {mean_ms:.3f} ms, p99 {p99_ms:.3f} ms "
        f"(p99 of all {len(raw)} raw calls: {raw_p99_ms:.3f} ms)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list errors on the tuning part")
    parser.add_argument(
        "--tuning-only", action="store_true", help="per-category table over the tuning part only"
    )
    parser.add_argument(
        "--all-confusions",
        action="store_true",
        help="also show confusions over the whole set (incl. held-out)",
    )
    args = parser.parse_args(argv)
    items = load()
    rows = run(items)
    print(f"evaluation set: {len(items)} clues, {EVAL_SET.relative_to(ROOT)}\n")
    print_tables(rows, args.tuning_only)
    print_extra_sets()
    print_confusions([r for r in rows if not r["held_out"]], "tuning part")
    if args.all_confusions:
        print_confusions(rows, "whole set")
    if args.errors:
        print_errors(rows)
    timing(items)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
