"""The Chinese font of the report's charts is installed wherever the hub runs: by `make run`'s
setup (without the test browser), by `make test`'s, and in the image."""

from __future__ import annotations

import subprocess

from tests.deploy.support import DEPLOY, ROOT

FONT = "fonts-wqy-microhei"


def _make_n(target: str) -> str:
    """What `make <target>` would run (a dry run: nothing installed, nothing started); the
    stamp's recipe is listed too when the virtualenv is older than pyproject.toml."""
    return subprocess.run(["make", "-n", "-B", "--no-print-directory", target], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def test_make_run_installs_the_chinese_font_and_not_the_browser() -> None:
    run = _make_n("run")
    assert f"apt-get install -y -qq {FONT}" in run
    assert "chromium" not in run
    assert run.index(FONT) < run.index("hub run --with-simulators")


def test_make_test_installs_the_font_and_the_browser() -> None:
    test = _make_n("test")
    assert FONT in test and "chromium" in test


def test_the_image_installs_the_chinese_font() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    runtime = text[text.rindex("FROM "):]  # the final stage, the one that runs
    assert f"install -y --no-install-recommends {FONT}" in runtime
