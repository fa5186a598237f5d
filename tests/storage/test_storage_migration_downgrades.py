"""Every revision's downgrade undoes its upgrade: stepping back and forth leaves the same schema."""

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import make_engine
from storage.migrate import _config


def _migrate(url: str, step: str, target: str) -> None:
    """Run the real migrations up or down (step) to target."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = _config()
            config.attributes["connection"] = connection
            getattr(command, step)(config, target)
    finally:
        engine.dispose()


def _schema(url: str) -> dict[str, Any]:
    """Describe each table but alembic_version: its columns, keys and indexes, comparably."""
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        return {
            table: (
                # sorted: on SQLite, 0005 moves the columns it retypes to the end, both ways
                sorted(
                    (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)
                ),
                inspector.get_pk_constraint(table)["name"],
                sorted(str(fk["name"]) for fk in inspector.get_foreign_keys(table)),
                sorted(str(ix["name"]) for ix in inspector.get_indexes(table)),
                sorted(str(uq["name"]) for uq in inspector.get_unique_constraints(table)),
            )
            for table in inspector.get_table_names()
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


def _revisions() -> list[str]:
    """Return the revision ids, oldest first."""
    scripts = ScriptDirectory.from_config(_config()).walk_revisions()
    return [script.revision for script in reversed(list(scripts))]


def test_each_downgrade_restores_the_schema_of_the_revision_before(database_url: str) -> None:
    before = ["base", *_revisions()[:-1]]
    schemas = []
    for revision in _revisions():
        schemas.append(_schema(database_url))
        _migrate(database_url, "upgrade", revision)
    for revision, schema in zip(reversed(before), reversed(schemas), strict=True):
        _migrate(database_url, "downgrade", revision)
        assert _schema(database_url) == schema, revision


def test_upgrade_after_downgrade_to_base_matches_the_models(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    _migrate(url, "downgrade", "base")
    assert _schema(url) == {}
    _migrate(url, "upgrade", "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
