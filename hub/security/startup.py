"""What the hub checks before it starts outside development (HUB_ENVIRONMENT).

Development may run with the defaults `make run` sets up; anywhere else the hub refuses to
start, with every reason at once, when a database or broker URL carries a well-known default
password (RabbitMQ's guest:guest, postgres:postgres, ...), or when the keyring or the signing
key is missing or readable by anyone but its owner.
"""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from hub.errors import ConfigError
from hub.security.signing import signing_key_path
from hub.settings import Settings


def check_safe_to_start(settings: Settings) -> None:
    if settings.environment == "development":
        return
    problems = [*_default_passwords(settings), *_key_files(settings)]
    if problems:
        raise ConfigError(
            f"HUB_ENVIRONMENT={settings.environment}：拒绝启动。" + "；".join(p for p, _ in problems),
            hints=[hint for _, hint in problems])


def _default_passwords(settings: Settings) -> list[tuple[str, str]]:
    found = []
    for name, url in (("HUB_DATABASE_URL", settings.database_url),
                      ("HUB_BROKER_URL", settings.broker_url)):
        password, user = _credentials(url)
        if password is not None and (password in settings.default_passwords
                                     or password == user):
            found.append((f"{name} 使用了默认口令（{user}:{'*' * len(password)}）",
                          f"为 {name} 中的账号设置强口令"))
    return found


def _credentials(url: str) -> tuple[str | None, str | None]:
    if url.startswith(("amqp://", "amqps://", "pyamqp://", "redis://")):
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        # kombu connects to amqp://localhost as guest:guest when the URL names no user.
        if not parts.username and parts.scheme.startswith(("amqp", "pyamqp")):
            return "guest", "guest"
        return parts.password, parts.username
    try:
        parsed = make_url(url)
    except Exception:  # not a URL SQLAlchemy reads: nothing to check
        return None, None
    return parsed.password, parsed.username


def _key_files(settings: Settings) -> list[tuple[str, str]]:
    found = []
    for label, path in (("密钥环文件", settings.keyring_path),
                        ("签名密钥文件", signing_key_path(settings.keyring_path))):
        problem = _file_problem(path)
        if problem == "missing":
            found.append((f"{label} {path} 不存在", "运行 `hub keys init` 生成密钥，并妥善备份"))
        elif problem:
            found.append((f"{label} {path} 的权限为 {problem}，其他用户可读",
                          f"chmod 600 {path}"))
    return found


def _file_problem(path: Path) -> str | None:
    if not path.exists():
        return "missing"
    mode = stat.S_IMODE(path.stat().st_mode)
    return f"{mode:o}" if mode & 0o077 else None
