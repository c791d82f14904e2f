#!/usr/bin/env python3
"""Back up and restore the hub: the database and the keyring (with signing_key.pem beside it).

Reads the same HUB_* settings as the hub (hub/settings.py), so run it with the hub's
environment and its Python:

    /opt/clue-hub/venv/bin/python deploy/scripts/hub_backup.py backup  --to /backup/hub-2026-12-01
    /opt/clue-hub/venv/bin/python deploy/scripts/hub_backup.py restore --from /backup/hub-2026-12-01

SQLite is copied with its online backup API (safe while the hub runs). PostgreSQL is dumped
with pg_dump -Fc and restored with pg_restore (client tools of the server's major version or
newer). The key files are copied with mode 0600: without them the database's reporter data
cannot be decrypted, so keep them in the backup - but in a DIFFERENT place from the database
dump (docs/operations.md, 备份与恢复). A manifest.json lists every file with its SHA-256;
restore refuses a backup whose files do not match it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from hub.security.signing import signing_key_path
from hub.settings import Settings

DB_SQLITE, DB_PG = "database.sqlite3", "database.pgdump"
KEY_FILES = ("keyring.json", "signing_key.pem")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for pg_dump/pg_restore, and the password in PGPASSWORD."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database)


def _copy_private(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
        shutil.copyfileobj(inp, out)
    os.chmod(dst, 0o600)


def backup(settings: Settings, target: Path) -> dict:
    target.mkdir(parents=True, exist_ok=False)
    os.chmod(target, 0o700)
    url = settings.database_url
    if settings.is_sqlite:
        source = sqlite3.connect(_sqlite_path(url))
        dest = sqlite3.connect(target / DB_SQLITE)
        with dest:
            source.backup(dest)  # a consistent copy while writers go on
        dest.close()
        source.close()
        db_file = DB_SQLITE
    else:
        conninfo, env = _libpq(url)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file",
                        str(target / DB_PG), conninfo], check=True, env=env)
        db_file = DB_PG
    keyring = settings.keyring_path
    _copy_private(keyring, target / KEY_FILES[0])
    if signing_key_path(keyring).exists():
        _copy_private(signing_key_path(keyring), target / KEY_FILES[1])
    files = [db_file] + [f for f in KEY_FILES if (target / f).exists()]
    manifest = {"made_at": datetime.now(UTC).isoformat(), "database": db_file,
                "files": {name: _sha256(target / name) for name in files}}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(settings: Settings, source: Path, force: bool = False) -> dict:
    manifest = json.loads((source / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        if _sha256(source / name) != digest:
            raise SystemExit(f"备份文件 {name} 与清单不符（已损坏或被改动），不予恢复")
    keyring = settings.keyring_path
    if keyring.exists() and not force:
        raise SystemExit(f"{keyring} 已存在；确认要覆盖时加 --force")
    url = settings.database_url
    if manifest["database"] == DB_SQLITE:
        if not settings.is_sqlite:
            raise SystemExit("这是 SQLite 的备份，而 HUB_DATABASE_URL 指向 PostgreSQL")
        path = _sqlite_path(url)
        if path.exists() and not force:
            raise SystemExit(f"{path} 已存在；确认要覆盖时加 --force")
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        source_db = sqlite3.connect(source / DB_SQLITE)
        dest = sqlite3.connect(path)
        with dest:
            source_db.backup(dest)
        dest.close()
        source_db.close()
    else:
        if settings.is_sqlite:
            raise SystemExit("这是 PostgreSQL 的备份，而 HUB_DATABASE_URL 指向 SQLite")
        conninfo, env = _libpq(url)
        # Into an empty database (createdb first); --clean --if-exists over an old one with --force.
        extra = ["--clean", "--if-exists"] if force else []
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
                        *extra, "--dbname", conninfo, str(source / DB_PG)], check=True, env=env)
    _copy_private(source / KEY_FILES[0], keyring)
    if (source / KEY_FILES[1]).exists():
        _copy_private(source / KEY_FILES[1], signing_key_path(keyring))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="备份与恢复：数据库与密钥环")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="备份到一个新目录")
    b.add_argument("--to", type=Path, required=True)
    r = sub.add_parser("restore", help="从备份目录恢复（先停掉所有 hub 进程）")
    r.add_argument("--from", dest="source", type=Path, required=True)
    r.add_argument("--force", action="store_true", help="覆盖已有的数据库与密钥文件")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "backup":
        made = backup(settings, args.to)
        print(f"已备份到 {args.to}：" + "、".join(made["files"]))
    else:
        restore(settings, args.source, args.force)
        print(f"已从 {args.source} 恢复；启动前运行 `hub migrate`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
