"""The `dalil` command line, composed of each part's sub-app."""

import typer

from gateway.admin.cli import admin_app
from gateway.insights.cli import insights_app
from gateway.purge import app as purge_app
from knowledge.cli import kb_app

app = typer.Typer(
    help="Dalil: entitlements of migrants and refugees in Morocco.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")
app.add_typer(admin_app, name="admin")
app.add_typer(purge_app, name="purge")
app.add_typer(insights_app, name="insights")

if __name__ == "__main__":
    app()
