"""`dalil admin`: create the accounts of administrators, editors and NGO staff."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.admin.audit import audit
from gateway.admin.models import ROLES, AdminUser
from gateway.admin.security import hash_password
from knowledge.db import make_engine
from knowledge.settings import KnowledgeSettings

admin_app = typer.Typer(help="Accounts of the admin and staff pages.", no_args_is_help=True)
MIN_PASSWORD_LENGTH = 12


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@admin_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="The person's e-mail address (their login).")],
    role: Annotated[str, typer.Option(help="admin, editor or staff.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    update: Annotated[
        bool, typer.Option("--update", help="Change the role and password of an existing account.")
    ] = False,
) -> None:
    """Create an account (prompting for its password), or update it with --update."""
    if role not in ROLES:
        typer.echo(f"role must be one of {', '.join(ROLES)}", err=True)
        raise typer.Exit(2)
    email = email.strip().lower()
    if "@" not in email:
        typer.echo("not an e-mail address", err=True)
        raise typer.Exit(2)
    password = _read_password(password_stdin)
    if len(password) < MIN_PASSWORD_LENGTH:
        typer.echo(f"the password needs at least {MIN_PASSWORD_LENGTH} characters", err=True)
        raise typer.Exit(2)
    engine = make_engine(KnowledgeSettings().database_url)
    try:
        with Session(engine) as session:
            user = session.scalar(select(AdminUser).where(AdminUser.email == email))
            if user is not None and not update:
                typer.echo(f"{email} exists already; use --update to change it", err=True)
                raise typer.Exit(1)
            if user is None:
                user = AdminUser(
                    email=email, role=role, password_hash=hash_password(password), active=True
                )
                session.add(user)
                action = "user_created"
            else:
                user.role = role
                user.password_hash = hash_password(password)
                user.active = True
                action = "user_updated"
            session.flush()
            audit(
                session,
                actor=None,
                actor_email="cli",
                action=action,
                target=f"user:{email}",
                role=role,
            )
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"{action.replace('user_', '')} {email} ({role})")
