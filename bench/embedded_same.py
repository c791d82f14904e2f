"""Whether two versions of the hub store the same rows on SQLite: fixed clues through intake
(batches, a batch sent again, a batch with refused items, single pushes) and the pipeline,
then every table dumped as the driver reads it (storage classes kept), to diff.

    git archive main | tar -x -C /tmp/before
    .venv/bin/python bench/embedded_same.py /tmp/before /tmp/before.json
    .venv/bin/python bench/embedded_same.py . /tmp/after.json && cmp /tmp/before.json /tmp/after.json

Both runs use one keyring (kept beside the output), so blind indexes are the same; what a
run cannot repeat is masked: times stamped during the run (`now`), and encrypted bytes (a
random nonce each), which keep their length.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sqlite3
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the hub's source tree to run")
    parser.add_argument("out", type=Path, help="where to write the JSON dump")
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--offload", action="store_true",
                        help="the pipeline's reads and pure steps in a second process, as "
                             "`hub run` does (hub/pipeline/offload.py)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    for name in [m for m in sys.modules if m == "hub" or m.startswith("hub.")]:
        del sys.modules[name]
    keyring = args.out.with_name("embedded_same.keyring.json")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/same.db"
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        run(args, url, Path(tmp), keyring)
        dump = _dump(f"{tmp}/same.db", started)
    args.out.write_text(json.dumps(dump, ensure_ascii=False, sort_keys=True))
    print(args.out, {name: len(rows) for name, rows in dump.items()})


def run(args: argparse.Namespace, url: str, tmp: Path, keyring: Path) -> None:
    from fastapi.testclient import TestClient

    from bench import synth
    from bench.correlate_same import _Midnight
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
    if not keyring.exists():
        create_keyring(keyring)
    shutil.copy(keyring, tmp / "keyring.json")
    (tmp / "keyring.json").chmod(0o600)
    settings = Settings(_env_file=None, database_url=url, broker_url="memory://",
                        keyring_path=tmp / "keyring.json",
                        queue_prefix=f"same-{uuid.uuid4().hex[:6]}")
    hub = Hub.from_settings(settings)
    with hub.uow() as uow:
        _, key = add_agency(uow.session, name="基准测试单位", channel="hotline", region_code=None)
        uow.commit()
    synth.datetime = _Midnight
    clues = synth.clues(args.n, seed=7, prefix="SAME")
    refused = [dict(c, source_ref=f"BAD-{i}", channel="nowhere") if i % 3 == 0
               else dict(c, source_ref=f"MIXED-{i}") for i, c in enumerate(clues[:60])]
    headers = {"Authorization": f"Bearer {key}"}
    offload = None
    if args.offload:
        from hub.pipeline.offload import ComputeProcess

        offload = ComputeProcess(settings)
        offload.wait_ready()
    worker = Worker(hub, name="same", **({"offload": offload} if offload else {}))
    worker.batch_size = 200
    with TestClient(create_app(hub)) as client:
        for start in range(0, len(clues), 500):
            client.post("/api/v1/clues/batch", json={"clues": clues[start:start + 500]},
                        headers=headers)
        client.post("/api/v1/clues/batch", json={"clues": clues[:500]}, headers=headers)
        client.post("/api/v1/clues/batch", json={"clues": refused}, headers=headers)
        for clue in [*clues[:5], *[dict(c, source_ref=f"ONE-{i}") for i, c in
                                   enumerate(clues[100:140])]]:
            client.post("/api/v1/clues", json=clue, headers=headers)
        for name, stage in pipeline(settings).items():
            ids = pending(hub, name)
            if hasattr(worker, "process_all"):
                worker.process_all(stage, ids)
            else:  # a tree from before it
                for start in range(0, len(ids), 200):
                    worker.process(stage, ids[start:start + 200])
    if offload is not None:
        offload.close()
    hub.close()


def _dump(path: str, started: str) -> dict[str, list]:
    connection = sqlite3.connect(path)
    tables = [name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%' "
        "AND name <> 'api_keys' ORDER BY name")]  # a new random key each run
    dump = {}
    for table in tables:
        columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
        order = ", ".join(str(i + 1) for i in range(len(columns)))
        rows = connection.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
        dump[table] = [[_plain(column, value, started) for column, value in
                        zip(columns, row, strict=True)] for row in rows]
    connection.close()
    return dump


def _plain(column: str, value: object, started: str) -> object:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>" if column.endswith("_enc") else value.hex()
    if isinstance(value, str):
        return [_TIME.sub(lambda m: "<now>" if m.group(0).replace("T", " ") >= started
                          else m.group(0), value)]  # a list: the type stays visible
    return value


if __name__ == "__main__":
    main()
