"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.search.models import is_index_table
from hub.tables import metadata


def test_migrations_match_the_models(hub):
    with hub.engine.connect() as conn:
        # The search index's tables differ by backend and are described by no model.
        context = MigrationContext.configure(conn, opts={
            "include_name": lambda name, kind, _: not (kind == "table" and is_index_table(name))})
        diff = compare_metadata(context, metadata)
    assert diff == []
