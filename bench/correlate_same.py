"""Whether two versions of the hub correlate alike: run the pipeline on fixed clues (and a
flood of one clue) with the hub at ROOT and dump what correlation decided, to diff.

    git archive 8c3e8ee | tar -x -C /tmp/before
    .venv/bin/python bench/correlate_same.py /tmp/before /tmp/before.json
    .venv/bin/python bench/correlate_same.py . /tmp/after.json && cmp /tmp/before.json /tmp/after.json

`--postgres` runs on a fresh PostgreSQL database (HUB_BENCH_DATABASE_URL), dropped after.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import uuid
from datetime import datetime, tzinfo
from pathlib import Path

QUERIES = {
    "clusters": "SELECT id, lead_clue_id, lead_set_by, members, channels, channel_list "
                "FROM clusters ORDER BY id",
    "members": "SELECT clue_id, cluster_id FROM clue_clusters ORDER BY clue_id",
    "links": "SELECT id, cluster_id, clue_id, score, reasons, linked_by FROM cluster_links "
             "ORDER BY id",
    "events": "SELECT clue_id, action, detail FROM clue_events "
              "WHERE action LIKE 'correlat%' ORDER BY clue_id, id",
    "status": "SELECT id, status FROM clues ORDER BY id",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the hub's source tree to run")
    parser.add_argument("out", type=Path, help="where to write the JSON dump")
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--flood", type=int, default=250, help="copies of one clue added")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    ingest = importlib.import_module("bench.ingest")
    with tempfile.TemporaryDirectory() as tmp:
        url = ingest.new_database("server" if args.postgres else "embedded", Path(tmp), "same")
        try:
            dump = run(args, url, Path(tmp))
        finally:
            ingest.drop_database(url)
    args.out.write_text(json.dumps(dump, ensure_ascii=False, sort_keys=True, default=str))
    print(args.out, {name: len(rows) for name, rows in dump.items()})


def run(args: argparse.Namespace, url: str, tmp: Path) -> dict[str, list]:
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, text

    from bench import synth
    from bench.profile_pipeline import pending
    from hub.agencies.service import add_agency
    from hub.app import create_app
    from hub.container import Hub
    from hub.db.migrate import upgrade
    from hub.pipeline.stages import pipeline
    from hub.pipeline.worker import Worker
    from hub.security.keyring import create_keyring
    from hub.settings import Settings

    upgrade(url)
    settings = Settings(_env_file=None, database_url=url, broker_url="memory://",
                        keyring_path=tmp / "keyring.json",
                        queue_prefix=f"same-{uuid.uuid4().hex[:6]}")
    create_keyring(settings.keyring_path)
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="基准测试单位", channel="hotline", region_code=None)
        uow.commit()
    synth.datetime = _Midnight  # the clues' days, and so their candidates, as on any run today
    clues = synth.clues(args.n, seed=7, prefix="SAME")
    clues += [dict(clues[3], source_ref=f"FLOOD-{i}") for i in range(args.flood)]
    with TestClient(create_app(hub)) as client:
        for start in range(0, len(clues), 500):
            client.post("/api/v1/clues/batch", json={"clues": clues[start:start + 500]},
                        headers={"Authorization": f"Bearer {key}"}).raise_for_status()
    worker = Worker(hub, name="same")
    for name, stage in pipeline(settings).items():
        ids = pending(hub, name)
        for start in range(0, len(ids), 200):
            worker.process(stage, ids[start:start + 200])
    hub.close()
    engine = create_engine(url)
    with engine.connect() as connection:
        dump = {name: [[_plain(value) for value in row] for row in connection.execute(text(sql))]
                for name, sql in QUERIES.items()}
    engine.dispose()
    return dump


class _Midnight(datetime):
    """`now` is the start of today (UTC): synthetic clues are dated back from it, and a clue's
    day decides which holders of a key are the latest, so two runs on one day read alike."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        return datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)


def _plain(value: object) -> object:
    """JSON columns come back as text on SQLite and as objects on PostgreSQL."""
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


if __name__ == "__main__":
    main()
