"""`dalil insights rollup`: fold old turn and feedback events into daily counts, delete them."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from gateway.admin.models import utcnow
from gateway.insights.events import local_day
from gateway.insights.report import roll_up
from gateway.settings import get_settings
from knowledge.db import make_engine

insights_app = typer.Typer(
    help="Privacy-safe usage figures (the /admin/insights page).", no_args_is_help=True
)


@insights_app.command("rollup")
def rollup(
    days: Annotated[
        int | None,
        typer.Option("--older-than-days", min=1, help="Default: DALIL_INSIGHTS_RETENTION_DAYS."),
    ] = None,
) -> None:
    """Keep only daily counts of events older than the retention (run it daily, like the purge)."""
    settings = get_settings()
    keep = days or settings.insights_retention_days
    before = local_day(utcnow()) - timedelta(days=keep)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            removed = roll_up(session, before=before)
            session.commit()
    finally:
        engine.dispose()
    typer.echo(f"Rolled up and deleted {removed} events from before {before.isoformat()}.")
