"""Correlation quality at scale: the labelled clues linked among many synthetic ones.

    .venv/bin/python bench/correlate_scale.py                      # 300 other clues a day
    .venv/bin/python bench/correlate_scale.py --per-day 1000 --bands 16

`bench/correlate.py --quality-only` links the 207 labelled clues alone, where every clue of a
region is among the latest 20 of that region: the region and subject keys find every
candidate, and the LSH band keys decide nothing (the same figures with no band key at all).
In a real month a region's latest 20 clues are a day's, a busy bureau's latest 30 a few
days': a pair reported a week apart is found by what the two texts share (band keys) or by
something specific both name (a place, a party, a case number).

Here the labelled clues arrive in time order among `--per-day` synthetic clues a day (from
200 days before the first to the last: text made of phrases of the labelled and classifier
sets, regions, subject units, places and parties drawn with skew, 3 % near-duplicate
resubmissions; bench/correlate.py's `Synthetic`), each linked by the real code
(`index_and_link`) once the clues before it are stored. A pair counts as linked when both
clues end in one cluster. `--bands K` gives every clue (labelled and synthetic alike) the first
K band keys of 4 values instead of the index's 16 (hub.correlate.signature), to compare.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.correlate import START, Synthetic, _insert, bench_source, open_database  # noqa: E402
from hub.correlate import index, labelled  # noqa: E402
from hub.correlate import profile as profile_module  # noqa: E402
from hub.correlate.link import index_and_link  # noqa: E402
from hub.correlate.profile import facts_of  # noqa: E402
from hub.correlate.signature import BANDS, band_keys  # noqa: E402
from hub.correlate.stage import CorrelateInput, prepare  # noqa: E402
from hub.db.models import Clue  # noqa: E402
from hub.db.types import utcnow  # noqa: E402

SETS = {"main": (labelled.PAIRS, labelled.PAIRS.with_name("clues.jsonl")),
        "blind": (labelled.BLIND_PAIRS, labelled.BLIND_CLUES),
        "blind3": (labelled.BLIND3_PAIRS, labelled.BLIND3_CLUES)}


def _keep_bands(bands: int) -> None:
    """The first `bands` band keys of 4 values each (at most 32: the signature's 128 values),
    wherever the code makes them; the index keeps BANDS."""
    def first(sig: tuple[int, ...]) -> tuple[int, ...]:
        return band_keys(sig, bands=bands)
    profile_module.band_keys = first


def run(per_day: int, bands: int, seed: int, own_phrases: bool) -> dict[str, labelled.Scores]:
    if bands != BANDS:
        _keep_bands(bands)
    clues = sorted((c for _, path in SETS.values() for c in labelled.load_clues(path)),
                   key=lambda c: (datetime.fromisoformat(c["reported_at"]), c["id"]))
    first = datetime.fromisoformat(clues[0]["reported_at"]) - timedelta(days=200)
    last = datetime.fromisoformat(clues[-1]["reported_at"])
    total = int((last - first).total_seconds() / 86400 * per_day)
    step = (last - first) / max(total, 1)
    synthetic = Synthetic(seed, labelled_phrases=own_phrases)
    url, drop = open_database("sqlite")
    engine = create_engine(url)
    began = time.monotonic()
    try:
        with Session(engine) as session:
            agency, raw = bench_source(session)
            session.commit()
            agency_id, raw_id = agency.id, raw.id
        next_id, made = 1, 0
        ids: dict[int, str] = {}
        for clue in clues:
            at = datetime.fromisoformat(clue["reported_at"])
            upto = min(total, int((at - first) / step))
            if upto > made:  # the synthetic clues reported before this one, stored first
                next_id = _store_synthetic(engine, synthetic, agency_id, raw_id, first, step,
                                           made, upto, next_id)
                made = upto
            with Session(engine) as session:
                session.execute(insert(Clue).values(
                    id=next_id, agency_id=agency_id, source_ref=clue["id"],
                    raw_record_id=raw_id, channel=clue["channel"], reported_at=at,
                    title=clue["title"][:200], content=clue["content"],
                    region_code=clue["region_code"], subjects=clue["subjects"],
                    references=clue["references"]))
                entry = prepare(CorrelateInput(next_id, clue["channel"], clue["title"],
                                               clue["content"], clue["region_code"], at,
                                               clue["subjects"], clue["references"]))
                index_and_link(session, [entry], utcnow())
                session.commit()
            ids[next_id] = clue["id"]
            next_id += 1
        with engine.connect() as conn:
            clustered = dict(conn.execute(text(
                "SELECT clue_id, cluster_id FROM clue_clusters")).tuples().all())
    finally:
        engine.dispose()
        drop()
    cluster_of = {name: clustered.get(clue_id) for clue_id, name in ids.items()}
    with_synthetic = {c for clue_id, c in clustered.items() if clue_id not in ids}
    lost: dict[str, int] = {}
    for pairs_path, _ in SETS.values():
        for pair in labelled.load_pairs(pairs_path):
            a, b = cluster_of.get(pair["a"]["id"]), cluster_of.get(pair["b"]["id"])
            if not pair["related"] or (a is not None and a == b):
                continue
            why = ("neither in a cluster" if a is None and b is None
                   else "one in no cluster" if a is None or b is None
                   else "two clusters, one with synthetic clues"
                   if {a, b} & with_synthetic else "two clusters of labelled clues only")
            lost[why] = lost.get(why, 0) + 1
    print("  related pairs not together: " + "; ".join(
        f"{why} {n}" for why, n in sorted(lost.items())), flush=True)
    print(f"  {made:,} synthetic + {len(clues)} labelled clues, {bands} band keys, "
          f"{time.monotonic() - began:.0f} s", flush=True)
    scores = {}
    everything = []
    for name, (pairs_path, _) in SETS.items():
        judged = labelled.as_clustered(labelled.load_pairs(pairs_path), cluster_of)
        everything += judged
        scores[name] = labelled.score(judged)
    scores["all"] = labelled.score(everything)
    return scores


def _store_synthetic(engine, synthetic: Synthetic, agency_id: int, raw_id: int,  # noqa: ANN001
                     first: datetime, step: timedelta, start: int, stop: int,
                     next_id: int) -> int:
    rows, profiles, bands, keys = [], [], [], []
    for n in range(start, stop):
        p = synthetic.profile(0.0)
        at = first + step * n
        object.__setattr__(p, "reported_at", at)  # in time order, not START + jitter
        clue_id = next_id
        next_id += 1
        day = index.day_of(at)
        rows.append({"id": clue_id, "agency_id": agency_id, "source_ref": f"S{clue_id}",
                     "raw_record_id": raw_id, "channel": p.channel, "reported_at": at,
                     "title": p.text[:20], "content": p.text, "region_code": p.region,
                     "status": "pending_review"})
        profiles.append((clue_id, at, p.channel, p.region, p.text,
                         json.dumps(facts_of(p), ensure_ascii=False), at))
        bands += [(k, day, clue_id) for k in set(profile_module.band_keys(p.signature_cache))]
        keys += [(kind, value[:120], day, clue_id) for kind, value in p.field_keys()]
    with engine.begin() as conn:
        conn.execute(insert(Clue), rows)
    _insert(engine, profiles, bands, keys)
    return next_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-day", type=int, default=300)
    parser.add_argument("--bands", type=int, default=BANDS, choices=range(1, 33),
                        metavar="1-32")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--labelled-phrases", action="store_true",
                        help="make the synthetic texts of the labelled clues' phrases too")
    args = parser.parse_args()
    print(f"correlation through clusters, labelled clues among {args.per_day} others a day "
          f"(since {START.date()}: see the module's text)", flush=True)
    scores = run(args.per_day, args.bands, args.seed, args.labelled_phrases)
    print("  set        pairs  related  linked  wrong  precision  recall")
    for name, s in scores.items():
        print(f"  {name:<9}{s.pairs:>7}{s.related:>9}{s.true_links:>8}{s.false_links:>7}"
              f"{s.precision:>11.3f}{s.recall:>8.3f}")


if __name__ == "__main__":
    main()
