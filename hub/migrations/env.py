"""Alembic environment: the same migration files for SQLite and PostgreSQL."""

from alembic import context
from sqlalchemy import create_engine

from hub.tables import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")


def run() -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


def _migrate(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
