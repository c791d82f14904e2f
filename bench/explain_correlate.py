"""EXPLAIN ANALYZE of the correlation index's per-clue queries on a database filled by
`bench/correlate.py --keep` (PostgreSQL or SQLite), for a few labelled clues.

    .venv/bin/python bench/explain_correlate.py URL [--clues 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hub.correlate import index, labelled, queries  # noqa: E402
from hub.correlate.stage import CorrelateInput, prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--clues", type=int, default=3)
    args = parser.parse_args()
    engine = create_engine(args.url)
    postgres = engine.dialect.name == "postgresql"
    clues = labelled.load_clues()[: args.clues]
    with engine.connect() as conn:
        for c in clues:
            entry = prepare(CorrelateInput(-1, c["channel"], c["title"], c["content"],
                                           c["region_code"], datetime.fromisoformat(c["reported_at"]),
                                           c["subjects"], c["references"]))
            low, high = entry.day - 180, entry.day + 180
            bands = sorted(set(entry.band_keys))
            keys = sorted((k, v[:120], index.FIELD_CANDIDATES.get(k, 20) + 1)
                          for k, v in entry.field_keys)
            print(f"== {c['id']}: {len(bands)} band keys, {len(keys)} field keys")
            if postgres:
                plans = [(queries._BANDS_PG, (bands, low, high, index.PER_BAND,
                                              index.BAND_CANDIDATES + 1))]
                if keys:
                    kinds, values, limits = (list(x) for x in zip(*keys, strict=True))
                    plans.append((queries._FIELDS_PG, (kinds, values, limits, low, high)))
                weighted = sorted((k, v[:120], index.FIELD_CANDIDATES.get(k, 20) + 1,
                                   index.KEY_WEIGHTS.get(k, 1.0)) for k, v in entry.field_keys)
                kinds, values, limits, weights = ([list(x) for x in zip(*weighted, strict=True)]
                                                  if weighted else ([], [], [], []))
                plans.append((queries._CANDIDATES_PG, {
                    "bands": bands, "band_weight": index.BAND_WEIGHT, "per_band": index.PER_BAND,
                    "band_limit": index.BAND_CANDIDATES + 1, "kinds": kinds, "values": values,
                    "limits": limits, "weights": weights, "low": low, "high": high,
                    "itself": -1, "limit": index.SCORED}))
                for sql, params in plans:
                    rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    print("\n".join(r[0] for r in rows))
            else:
                began = time.perf_counter()
                found = list(queries.band_matches(conn, bands, low, high, index.PER_BAND,
                                                  index.BAND_CANDIDATES + 1))
                middle = time.perf_counter()
                fields = list(queries.field_matches(conn, keys, low, high)) if keys else []
                ended = time.perf_counter()
                print(f"bands: {len(found)} rows {(middle - began) * 1000:.2f} ms; "
                      f"fields: {len(fields)} rows {(ended - middle) * 1000:.2f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
