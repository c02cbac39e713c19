"""Engines, sessions and schema migrations for the knowledge base."""

from importlib import import_module
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from dalil.settings import absolute_sqlite_url

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets foreign keys enforced like PostgreSQL."""
    url = absolute_sqlite_url(url)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy emits BEGIN.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            connection.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to `engine`."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """Build the Alembic configuration for `url`, independent of the working directory."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", absolute_sqlite_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at `url` up to `revision` (`alembic upgrade head`)."""
    command.upgrade(alembic_config(url), revision)


def target_metadata(config: Config) -> tuple[MetaData, ...]:
    """Every table the chain migrates: the `module:attribute` that `alembic.ini` names.

    The chain holds the tables of layers above this one, so it names their metadata instead of
    importing them (gateway/tables.py).
    """
    name = config.get_main_option("target_metadata")
    if not name:
        raise ValueError(f"{config.config_file_name} names no target_metadata")
    module, _, attribute = name.partition(":")
    return tuple(getattr(import_module(module), attribute))
