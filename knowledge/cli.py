"""`dalil kb`: import, export, validate and count the knowledge base content."""

import json
from pathlib import Path
from typing import Annotated

import typer

from knowledge.content import ContentError, load_content
from knowledge.db import make_engine, make_session_factory, upgrade
from knowledge.importer import export_content, export_doc, import_content
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


@kb_app.command("import")
def import_command(path: PathArg = None) -> None:
    """Migrate the database, then make it match the content folder."""
    settings = _settings()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            changes = import_content(session, path or settings.content_dir)
            session.commit()
    except ContentError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
    summary = ", ".join(f"{name}: {count}" for name, count in changes.items())
    typer.echo(f"imported (changed {summary})")


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
