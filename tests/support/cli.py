"""The `hub` command run in this process (click's runner): the same code as the real
command, with its own Hub built from HUB_* variables, without a Python start-up per call."""

from __future__ import annotations

import os
from dataclasses import dataclass

from click.testing import CliRunner

from hub import log
from hub.settings import Settings, reset_settings_cache


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_hub(settings: Settings, *args: str, input: str | None = None) -> Ran:  # noqa: A002
    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_BROKER_URL": "memory://",
           "HUB_KEYRING_PATH": str(settings.keyring_path), "HUB_LOG_LEVEL": "WARNING"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    reset_settings_cache()
    try:
        from hub.cli import main

        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reset_settings_cache()
        log.configure("WARNING")  # `hub` set up logging to the runner's stream, now closed
    return Ran(result.exit_code, result.stdout, result.stderr)
