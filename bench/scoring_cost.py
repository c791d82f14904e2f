"""CPU per clue of scoring a batch's candidates (`hub.correlate.link._score`): the pipeline
runs once on synthetic clues (as bench/profile_pipeline.py, seeded), the correlate plans are
kept, then their scoring is run again (decisions cleared) seven times and timed, and so is
their ranking (`_rank`, the candidates of each clue from the lists read).

    .venv/bin/python bench/scoring_cost.py [--n 1000] [--postgres] [--root /tmp/before]

`--root` runs the hub of another source tree (before/after) with this bench. Long-lived
objects are frozen out of the garbage collector before the timing, so that the figure is
the scoring and not how many plans this bench keeps alive.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from bench import profile_pipeline as pipeline  # noqa: E402, I001  (first: puts --root first)
from bench import ingest  # noqa: E402
from hub.correlate import link  # noqa: E402
from hub.pipeline import chain  # noqa: E402

assert Path(link.__file__).resolve().is_relative_to(pipeline.ROOT), "hub of --root not first"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--root", type=Path, help="run the hub of this source tree")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    args.html = None
    random.seed(args.seed)
    plans = []
    planning = link.plan

    def kept(*given, **named):  # noqa: ANN002, ANN003, ANN202
        planned = planning(*given, **named)
        plans.append(planned)
        return planned

    link.plan = kept
    chain.plan = kept  # the pipeline calls the name it imported
    with tempfile.TemporaryDirectory() as tmp:
        url = ingest.new_database("server" if args.postgres else "embedded", Path(tmp), "score")
        try:
            pipeline.run(args, url, Path(tmp))
        finally:
            ingest.drop_database(url)
    clues = sum(len(p.entries) for p in plans)
    pairs = sum(len(p.found[e.clue_id]) for p in plans for e in p.entries)
    linked = sum(d.linked for p in plans for found in p.decisions.values()
                 for d in found.values())
    gc.collect()
    gc.freeze()
    runs, ranks = [], []
    for _ in range(7):
        for planned in plans:
            planned.decisions = {}
        started = time.thread_time()
        for planned in plans:
            link._score(planned)
        runs.append(time.thread_time() - started)
        started = time.thread_time()
        for planned in plans:
            link._rank(planned)
        ranks.append(time.thread_time() - started)
    print(f"{clues} clues, {pairs} pairs scored ({pairs / clues:.1f} per clue), {linked} linked; "
          f"scoring CPU µs per clue: median {statistics.median(runs) / clues * 1e6:.0f}, "
          f"least {min(runs) / clues * 1e6:.0f} (µs per pair {statistics.median(runs) / pairs * 1e6:.1f}); "
          f"ranking CPU µs per clue: median {statistics.median(ranks) / clues * 1e6:.0f}, "
          f"least {min(ranks) / clues * 1e6:.0f}")

if __name__ == "__main__":
    main()
