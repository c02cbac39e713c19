"""`dalil admin create`, and the migration matching the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dalil.cli import app
from gateway.admin.models import AdminBase, AdminUser, AuditEntry
from gateway.admin.security import verify_password


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DALIL_DATABASE_URL", database_url)
    return CliRunner()


def test_create_reads_the_password_from_stdin(runner: CliRunner, engine: Engine) -> None:
    result = runner.invoke(
        app,
        ["admin", "create", "--email", "Nadia@NGO.test", "--role", "editor", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        user = session.scalar(select(AdminUser).where(AdminUser.email == "nadia@ngo.test"))
        assert user is not None and user.role == "editor"
        assert verify_password(user.password_hash, "a long enough passphrase")
        assert user.password_hash.startswith("$argon2id$")
        assert (
            session.scalar(select(AuditEntry).where(AuditEntry.target == "user:nadia@ngo.test"))
            is not None
        )


def test_create_prompts_twice_without_stdin(runner: CliRunner, engine: Engine) -> None:
    result = runner.invoke(
        app,
        ["admin", "create", "--email", "a@b.test", "--role", "staff"],
        input="another passphrase!\nanother passphrase!\n",
    )
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        assert (
            session.scalar(select(AdminUser.role).where(AdminUser.email == "a@b.test")) == "staff"
        )


@pytest.mark.parametrize(
    ("args", "password"),
    [
        (["--role", "root"], "a long enough passphrase"),
        (["--role", "admin"], "short"),
        (["--role", "admin", "--email", "admin@dalil.test"], "a long enough passphrase"),  # exists
    ],
)
def test_create_refuses_bad_input(runner: CliRunner, args: list[str], password: str) -> None:
    base = ["admin", "create", "--password-stdin"]
    if "--email" not in args:
        base += ["--email", "new@dalil.test"]
    result = runner.invoke(app, base + args, input=password + "\n")
    assert result.exit_code != 0


def test_migration_matches_the_models(engine: Engine) -> None:
    ours = set(AdminBase.metadata.tables)

    def include(name: str | None, kind: str, parents: dict[str, str | None]) -> bool:
        # Only the admin tables: the knowledge and inbox tables belong to other metadata.
        if kind == "schema":
            return True
        return (name in ours) if kind == "table" else parents.get("table_name") in ours

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include, "compare_type": True}
        )
        assert compare_metadata(context, AdminBase.metadata) == []
