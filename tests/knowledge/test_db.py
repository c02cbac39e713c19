"""Schema: Alembic builds exactly what the models describe, on both databases."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from dalil.settings import ROOT
from knowledge.db import alembic_config, target_metadata
from knowledge.settings import KnowledgeSettings


def test_autogenerate_sees_every_table_and_finds_no_difference(empty_engine: Engine) -> None:
    """After `alembic upgrade head`, every owner's models match the database: autogenerate
    (which compares the metadata alembic.ini names) would propose no migration, and drop no
    table of the gateway, admin, alerts or insights."""
    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    metadata = target_metadata(config)
    tables = {name for m in metadata for name in m.tables}
    assert {"topics", "admin_users", "gateway_inbound", "alerts", "insight_turns"} <= tables
    with empty_engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    # The same through knowledge/migrations/env.py, as `alembic check` runs it.
    command.check(config)


def test_nearest_prefilter_is_indexed(empty_engine: Engine) -> None:
    """The bounding-box prefilter has indexes on latitude and longitude."""
    indexes = inspect(empty_engine).get_indexes("service_points")
    indexed_first_columns = {next(iter(ix["column_names"])) for ix in indexes}
    assert {"lat", "lon"} <= indexed_first_columns


def test_default_database_is_a_file_under_var(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With no setting, the database is var/dalil.db at the repository root."""
    monkeypatch.delenv("DALIL_DATABASE_URL", raising=False)
    monkeypatch.chdir("/")
    settings = KnowledgeSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == f"sqlite:///{ROOT / 'var' / 'dalil.db'}"
    assert (ROOT / "var").is_dir()


def test_database_url_from_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """DALIL_DATABASE_URL selects the database."""
    url = "postgresql+psycopg://postgres@127.0.0.1/elsewhere"
    monkeypatch.setenv("DALIL_DATABASE_URL", url)
    assert KnowledgeSettings(_env_file=None).database_url == url  # type: ignore[call-arg]
