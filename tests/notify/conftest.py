"""Tests of hub.notify choose the office's day themselves: the live scheduler's reminders job
is pinned to a Sunday (nothing is owed on a rest day), so it never sends behind a test's back."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings

QUIET_SUNDAY = "2026-10-11"


@pytest.fixture
def settings(backend, tmp_path):
    return make_settings(backend, tmp_path, reminders_today=QUIET_SUNDAY)
