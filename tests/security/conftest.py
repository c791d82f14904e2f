"""Security tests share a tally of attacks tried (tests/security/counts.py)."""

from __future__ import annotations

import pytest

from tests.security import counts


@pytest.fixture(scope="session", autouse=True)
def _write_counts():
    yield
    counts.write()
