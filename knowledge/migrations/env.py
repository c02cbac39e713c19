"""Alembic environment: migrates the database at DALIL_DATABASE_URL or the configured URL.

The chain holds every table (knowledge base, admin, gateway inbox, alerts, insights); autogenerate
compares them all, with the metadata `alembic.ini` names (`target_metadata`).
"""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from knowledge.db import target_metadata as named_metadata
from knowledge.settings import KnowledgeSettings

config = context.config

# Only the `alembic` command line configures logging; a programmatic upgrade keeps the app's.
if config.config_file_name is not None and not config.get_main_option("sqlalchemy.url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
    config.set_main_option("sqlalchemy.url", KnowledgeSettings().database_url.replace("%", "%%"))

target_metadata = named_metadata(config)


def run_migrations_offline() -> None:
    """Emit SQL without a connection (`alembic upgrade head --sql`)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection."""
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        # Batch mode lets later migrations alter tables on SQLite too.
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
