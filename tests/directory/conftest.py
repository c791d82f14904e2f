"""The demo directory: as an index (pure tests) and stored in a hub (database tests)."""

from __future__ import annotations

import pytest

from hub.container import Hub
from hub.db.types import utcnow
from hub.directory.evaluation import seed_index
from hub.directory.index import DirectoryIndex
from hub.directory.service import ensure_seeded


@pytest.fixture(scope="session")
def seed() -> DirectoryIndex:
    return seed_index()


@pytest.fixture
def directory(hub: Hub) -> Hub:
    """The hub with the demo directory stored."""
    with hub.uow() as uow:
        assert ensure_seeded(uow.session, now=utcnow()) is not None
        uow.commit()
    return hub
