"""`dalil kb`: import, export, validate and count the knowledge base content."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from knowledge.content import ContentError, load_content
from knowledge.db import make_engine, make_session_factory, upgrade
from knowledge.importer import (
    ImportReport,
    Prefer,
    export_content,
    export_doc,
    has_content,
    import_content,
)
from knowledge.settings import KnowledgeSettings
from knowledge.stats import content_stats
from knowledge.validate import check_content

kb_app = typer.Typer(help="Knowledge base: content in YAML, served from SQLite or PostgreSQL.")

PathArg = Annotated[
    Path | None,
    typer.Argument(help="Content folder (default: knowledge/content)", show_default=False),
]


def _settings() -> KnowledgeSettings:
    """The knowledge settings from the environment."""
    return KnowledgeSettings()


PreferFile = Annotated[
    bool, typer.Option("--prefer-file", help="Resolve this run's conflicts with the YAML's values")
]
PreferLive = Annotated[
    bool,
    typer.Option("--prefer-live", help="Resolve this run's conflicts by keeping the live values"),
]
IfEmpty = Annotated[
    bool,
    typer.Option("--if-empty", help="Seed only a database without content; otherwise do nothing"),
]


# A --prefer-file/--prefer-live decision is written to the audit log of the admin pages, a layer
# above this one: the `dalil` command (gateway/cli.py) gives the writer with `record_resolutions_with`.
ResolutionRecorder = Callable[[Session, ImportReport], None]
_record_resolutions: ResolutionRecorder | None = None


def record_resolutions_with(recorder: ResolutionRecorder) -> None:
    """Use `recorder` to log each conflict a run decides, in the import's transaction."""
    global _record_resolutions
    _record_resolutions = recorder


@kb_app.command("import")
def import_command(
    path: PathArg = None,
    prefer_file: PreferFile = False,
    prefer_live: PreferLive = False,
    if_empty: IfEmpty = False,
) -> None:
    """Migrate the database, then merge the content folder into it without losing live edits.

    An item changed in the database since it was imported (a correction published in the
    admin pages) and changed differently in the YAML is a conflict: it is listed, left as it
    is live, and the command exits 2, unless --prefer-file or --prefer-live decides this run
    (the choice is written to the audit log).
    """
    if prefer_file and prefer_live:
        typer.echo("choose one of --prefer-file and --prefer-live", err=True)
        raise typer.Exit(2)
    prefer: Prefer | None = "file" if prefer_file else "live" if prefer_live else None
    record_resolutions = _record_resolutions
    if prefer is not None and record_resolutions is None:
        typer.echo("no audit log to record the decision in: run it as `dalil kb import`", err=True)
        raise typer.Exit(2)
    settings = _settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            if if_empty and has_content(session):
                typer.echo("the database already holds content (it is the live source): not seeded")
                return
            report = import_content(session, path or settings.content_dir, prefer=prefer)
            if record_resolutions is not None and report.prefer is not None:
                record_resolutions(session, report)
            session.commit()
    except ContentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    summary = ", ".join(f"{name}: {count}" for name, count in report.changes.items())
    for conflict in report.conflicts:
        typer.echo(str(conflict), err=True)
    if report.unresolved:
        items = len({c.item for c in report.unresolved})
        typer.echo(
            f"imported what did not conflict (changed {summary}); {len(report.unresolved)} "
            f"conflicting fields in {items} items were left as they are live: "
            "rerun with --prefer-file or --prefer-live to decide",
            err=True,
        )
        raise typer.Exit(2)
    resolved = (
        f"; {len(report.conflicts)} conflicts resolved with the {prefer} values"
        if report.conflicts
        else ""
    )
    typer.echo(f"imported (changed {summary}){resolved}")


@kb_app.command("export")
def export_command(path: PathArg = None) -> None:
    """Write the database back to a content folder, in the layout `import` reads."""
    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            files = export_content(session, path or settings.content_dir)
    finally:
        engine.dispose()
    typer.echo(f"exported {len(files)} files to {path or settings.content_dir}")


@kb_app.command("validate")
def validate_command(path: PathArg = None) -> None:
    """Check the content folder without a database; exit 1 on any error."""
    loaded = load_content(path or _settings().content_dir)
    problems = check_content(loaded)
    for problem in problems:
        typer.echo(str(problem), err=True)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if errors:
        typer.echo(f"{errors} errors, {warnings} warnings", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok ({warnings} warnings)")


@kb_app.command("stats")
def stats_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    content: Annotated[
        Path | None, typer.Option(help="Count a content folder instead of the database")
    ] = None,
) -> None:
    """Count complete, current entries: topics, languages, service points, cities."""
    if content is not None:
        stats = content_stats(load_content(content).doc())
    else:
        settings = _settings()
        engine = make_engine(settings.database_url)
        try:
            with make_session_factory(engine)() as session:
                stats = content_stats(export_doc(session))
        finally:
            engine.dispose()
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False))
        return
    for name, value in stats.items():
        typer.echo(f"{name}: {value}")


@kb_app.command("fallback")
def fallback_command(path: PathArg = None) -> None:
    """Generate the emergency numbers used when the database is down, from emergency.yml."""
    from knowledge.emergency import build_fallback, fallback_path, write_fallback

    settings = _settings()
    try:
        written = write_fallback(fallback_path(), path or settings.content_dir)
    except (OSError, ValueError, KeyError) as exc:
        typer.echo(f"emergency fallback not generated: {exc}", err=True)
        raise typer.Exit(1) from exc
    count = len(build_fallback(path or settings.content_dir)["contacts"])
    typer.echo(f"wrote {count} emergency numbers to {written}")
