"""CPU per clue of the worker's pure computing, part by part, with no database: what
`ClueStage.compute` runs for a new clue (normalize: classify and the region; the search
terms; the correlation profile, its MinHash signature and band keys; the route), and the
linking plan's in-memory ranking of candidates.

    .venv/bin/python bench/compute_cost.py                    # this tree
    .venv/bin/python bench/compute_cost.py --root /tmp/before # another tree, same clues

Each part runs over the same synthetic clues `--repeat` times; the figure is the least CPU
time of the runs (time.thread_time), which a busy machine changes least. Run both trees in
the same minutes and read the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:  # the hub of another tree (before/after), with this bench
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from bench import synth  # noqa: E402
from hub.correlate import index, ranking  # noqa: E402
from hub.correlate.profile import build_profile, index_keys  # noqa: E402
from hub.correlate.stage import CorrelateInput, prepare  # noqa: E402
from hub.normalize.classify import classify  # noqa: E402
from hub.normalize.stage import NormalizeInput, _region, normalize  # noqa: E402
from hub.route import service  # noqa: E402
from hub.route.conditions import ClueFacts  # noqa: E402
from hub.route.evaluate import evaluate  # noqa: E402
from hub.search.repository import terms_of  # noqa: E402

PREFIX = "4203"
WINDOW = 180


def parts(n: int, seed: int) -> dict[str, tuple[int, object]]:
    """name -> (clues it covers, a function running it over them)."""
    clues = synth.clues(n, seed=seed)
    rules = service.compiled_default()
    inputs = [NormalizeInput(c["channel"], c["title"], c["content"], None, None, c["subjects"],
                             None, None) for c in clues]
    normalized = [normalize(x, PREFIX) for x in inputs]
    items = [CorrelateInput(i + 1, c["channel"], c["title"], c["content"], nz.region_code,
                            datetime.fromisoformat(c["reported_at"]), nz.subjects, [])
             for i, (c, nz) in enumerate(zip(clues, normalized, strict=True))]
    profiles = [build_profile(title=x.title, content=x.content, channel=x.channel,
                              region_code=x.region_code, subjects=x.subjects,
                              references=x.references, reported_at=x.reported_at)
                for x in items]
    facts = [ClueFacts(channel=c["channel"], title=c["title"], content=c["content"],
                       category=nz.category, field=nz.field, region_code=nz.region_code,
                       subjects=tuple(nz.subjects))
             for c, nz in zip(clues, normalized, strict=True)]
    entries = [prepare(x) for x in items]
    rank = _ranking(entries)
    return {
        "classify": (n, lambda: [classify(c["title"], c["content"], c["channel"]) for c in clues]),
        "region": (n, lambda: [_region(x, PREFIX) for x in inputs]),
        "normalize": (n, lambda: [normalize(x, PREFIX) for x in inputs]),
        "terms": (n, lambda: [terms_of(c["title"], c["content"], nz.subjects, None)
                              for c, nz in zip(clues, normalized, strict=True)]),
        "profile": (n, lambda: [build_profile(title=x.title, content=x.content,
                                              channel=x.channel, region_code=x.region_code,
                                              subjects=x.subjects, references=x.references,
                                              reported_at=x.reported_at) for x in items]),
        "index_keys": (n, lambda: [index_keys(p) for p in profiles]),
        "evaluate": (n, lambda: [evaluate(rules, f) for f in facts]),
        "rank": rank,
    }


def _ranking(entries: list) -> tuple[int, object]:  # noqa: ANN001
    """The last sixth of the clues ranked as one batch against the others as stored."""
    cut = len(entries) * 5 // 6
    stored = entries[:cut]
    batch = sorted(entries[cut:], key=lambda e: (e.profile.reported_at, e.clue_id))
    by_band: dict[int, list[tuple[int, int]]] = {}
    by_field: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for e in stored:
        h = ranking.holder(e.day, e.clue_id)
        for key in set(e.band_keys):
            by_band.setdefault(key, []).append((e.day, h))
        for kind, value in e.field_keys:
            by_field.setdefault((kind, value[:120]), []).append((e.day, h))
    bands, fields = {}, {}
    for e in batch:
        low, high = e.day - WINDOW, e.day + WINDOW
        for key in e.band_keys:
            bands[(key, low, high)] = sorted((h for d, h in by_band.get(key, ())
                                              if low <= d <= high), reverse=True)[:index.PER_BAND]
        for kind, value in e.field_keys:
            limit = index.FIELD_CANDIDATES.get(kind, 20) + 1
            fields[(kind, value[:120], low, high)] = sorted(
                (h for d, h in by_field.get((kind, value[:120]), ()) if low <= d <= high),
                reverse=True)[:limit]

    def run() -> object:
        return ranking.rank(batch, WINDOW, dict(bands), fields, per_band=index.PER_BAND,
                            band_candidates=index.BAND_CANDIDATES + 1,
                            band_weight=index.BAND_WEIGHT,
                            field_candidates=index.FIELD_CANDIDATES,
                            key_weights=index.KEY_WEIGHTS, scored=index.SCORED)
    return len(batch), run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--root", type=Path, help="run the hub of this source tree")
    args = parser.parse_args()
    timed = parts(args.n, args.seed)
    best = dict.fromkeys(timed, float("inf"))
    for _ in range(args.repeat):
        for name, (_, run) in timed.items():
            started = time.thread_time()
            run()
            best[name] = min(best[name], time.thread_time() - started)
    print(f"hub at {ROOT}; {args.n} clues, least CPU of {args.repeat} runs, µs per clue")
    print("  ".join(f"{name} {best[name] * 1e6 / count:.0f}" for name, (count, _) in timed.items()))


if __name__ == "__main__":
    main()
