"""Reading the deploy/ files the way their tools do (no docker engine or cluster here)."""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from hub.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

_VAR = re.compile(r"\$\{(\w+)(?:(:-|:\?|-|\?)([^}]*))?\}|\$(\w+)")


def interpolate(value: object, env: dict[str, str]) -> object:
    """Compose's variable interpolation (${X}, ${X:-default}, ${X:?error}) on parsed YAML."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(m: re.Match) -> str:
        name = m.group(1) or m.group(4)
        op, arg = m.group(2), m.group(3)
        if env.get(name):
            return env[name]
        if op in (":?", "?"):
            raise KeyError(f"{name}: {arg}")
        return arg if op in (":-", "-") else ""

    return _VAR.sub(one, value.replace("$$", "\0")).replace("\0", "$")


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines()
             if line.strip() and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def docker_compose() -> list[str] | None:
    """A working Compose v2 client (`docker compose`, or a v2 `docker-compose`), if this
    machine has one. Debian's docker-compose 1.29 predates the Compose Specification (it
    refuses the top-level `name`), so it does not count."""
    for cmd in (["docker", "compose"], ["docker-compose"]):
        if not shutil.which(cmd[0]):
            continue
        out = subprocess.run([*cmd, "version", "--short"], capture_output=True, text=True)
        major = out.stdout.strip().lstrip("v").split(".")[0]
        if out.returncode == 0 and major.isdigit() and int(major) >= 2:
            return cmd
    return None


def cli_commands() -> set[str]:
    """Every `hub` command path, e.g. {"api", "worker", "keys init"}."""
    found: set[str] = set()

    def walk(group, prefix: str) -> None:  # noqa: ANN001
        for name, cmd in group.commands.items():
            path = f"{prefix}{name}"
            found.add(path)
            if hasattr(cmd, "commands"):
                walk(cmd, path + " ")

    walk(main, "")
    return found


def runs_in_cli(argv: list[str]) -> bool:
    """`hub <argv> --help` succeeds: the command and its options exist. (The group's callback
    reconfigures the `hub` logger onto the runner's stderr: put it back afterwards.)"""
    logger = logging.getLogger("hub")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    try:
        return CliRunner().invoke(main, [*argv, "--help"]).exit_code == 0
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


def load_all(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def load_script(name: str):  # noqa: ANN201 - a module
    """A script of deploy/scripts/ imported as a module (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, DEPLOY / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
