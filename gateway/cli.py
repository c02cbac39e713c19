"""The `dalil` command line, composed of each part's sub-app.

It lives in the gateway, the top layer, because it is the one place that knows every part
(docs/internals.md, "Layout and ownership"); `pyproject.toml` points the `dalil` script here.
"""

import typer

from gateway.admin.audit import record_import_resolutions
from gateway.admin.cli import admin_app
from gateway.insights.cli import insights_app
from gateway.purge import app as purge_app
from knowledge.cli import kb_app, record_resolutions_with

app = typer.Typer(
    help="Dalil: entitlements of migrants and refugees in Morocco.", no_args_is_help=True
)
# `kb import --prefer-file/--prefer-live` writes its decisions to the admin pages' audit log.
record_resolutions_with(record_import_resolutions)
app.add_typer(kb_app, name="kb")
app.add_typer(admin_app, name="admin")
app.add_typer(purge_app, name="purge")
app.add_typer(insights_app, name="insights")

if __name__ == "__main__":
    app()
