"""The Alembic migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import make_engine
from storage.migrate import MIGRATIONS, current, upgrade


def _head() -> str | None:
    """Return the newest revision of the migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def _schema(engine: Engine) -> dict[str, set[str]]:
    """Map each table (but Alembic's own) to its column names."""
    inspector = inspect(engine)
    return {
        table: {column["name"] for column in inspector.get_columns(table)}
        for table in inspector.get_table_names()
        if table != "alembic_version"
    }


def test_upgrade_builds_the_tables_and_columns_of_the_models(engine: Engine) -> None:
    expected = {
        table.name: {column.name for column in table.columns}
        for table in SQLModel.metadata.sorted_tables
    }
    assert _schema(engine) == expected


def test_upgrade_leaves_no_difference_for_autogenerate(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_twice_is_harmless_and_current_reports_head(database_url: str) -> None:
    assert current(database_url) is None
    upgrade(database_url)
    upgrade(database_url)
    assert current(database_url) == _head()
    engine = make_engine(database_url)
    try:
        assert set(_schema(engine)) == set(SQLModel.metadata.tables)
    finally:
        engine.dispose()
