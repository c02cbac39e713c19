"""`dalil admin create`."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from gateway.admin.models import AdminUser, AuditEntry
from gateway.admin.security import verify_password
from gateway.cli import app


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
