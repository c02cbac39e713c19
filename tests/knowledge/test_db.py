"""Schema: Alembic builds exactly what the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from dalil.settings import ROOT
from knowledge.models import Base
from knowledge.settings import KnowledgeSettings


def test_migrations_match_models(empty_engine: Engine) -> None:
    """`alembic upgrade head` leaves no difference between the database and the models."""
    ours = set(Base.metadata.tables)

    def only_ours(_object, name, type_, _reflected, _compare_to):  # type: ignore[no-untyped-def]
        # Other parts (gateway, admin) add their own tables to the same migration chain.
        return type_ != "table" or name in ours

    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": only_ours})
        diff = [
            d
            for d in compare_metadata(context, Base.metadata)
            if not (d[0] == "remove_index" and d[1].table.name not in ours)
        ]
        assert diff == []


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
