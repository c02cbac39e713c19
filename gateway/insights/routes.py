"""`/admin/insights`: aggregate charts and tables for admins, editors and staff; CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRouter

from dalil.languages import LANGUAGES, RTL_LANGUAGES
from gateway.admin.audit import audit
from gateway.admin.models import utcnow
from gateway.admin.security import Permission
from gateway.admin.web import Auth, client_ip, render, require, ui_language
from gateway.admin.web import templates as admin_templates
from gateway.dependencies import SessionDep
from gateway.insights import report
from gateway.insights.events import local_day
from gateway.insights.labels import cell_label, labeller
from gateway.insights.svg import bar_chart

router = APIRouter(tags=["insights"])
DEFAULT_DAYS = 28
MAX_DAYS = 366
TABLES = (
    "questions",
    "topic",
    "language",
    "channel",
    "city",
    "outcome",
    "emergencies",
    "feedback",
    "unanswered",
)
admin_templates.env.globals.update(bar_chart=bar_chart, cell_label=cell_label, labeller=labeller)


def _filters(
    start: date | None, end: date | None, language: str, channel: str, city: str
) -> report.Filters:
    today = local_day(utcnow())
    end = min(end or today, today)
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise HTTPException(status_code=422, detail="The period starts after it ends.")
    if (end - start).days >= MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS - 1)
    return report.Filters(
        start=start,
        end=end,
        language=language if language in LANGUAGES else "",
        channel=channel[:16],
        city=city[:64],
    )


Start = Annotated[date | None, Query()]
End = Annotated[date | None, Query()]
Text = Annotated[str, Query(max_length=64)]
Viewer = Annotated[Auth, require(Permission.INSIGHTS)]


@router.get("/admin/insights", response_class=HTMLResponse, include_in_schema=False)
def insights_page(
    request: Request,
    auth: Viewer,
    session: SessionDep,
    start: Start = None,
    end: End = None,
    language: Text = "",
    channel: Text = "",
    city: Text = "",
    by: Annotated[str, Query(pattern="^(day|week)$")] = "day",
) -> Response:
    """The insights page: aggregates only, small cells suppressed."""
    filters = _filters(start, end, language, channel, city)
    built = report.build(session, filters, today=local_day(utcnow()), by=by)
    # In the staff member's language, chosen like on every staff and admin page (`?ui=`).
    page_language = ui_language(request)
    query: dict[str, Any] = {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "language": filters.language,
        "channel": filters.channel,
        "city": filters.city,
        "by": by,
    }
    return render(
        request,
        auth,
        "admin/insights.html",
        page_language=page_language,
        report=built,
        options=report.options(session),
        by=by,
        query=query,
        minimum=report.MIN_CONVERSATIONS,
        rtl=page_language in RTL_LANGUAGES,
        tables=TABLES,
    )


@router.get("/admin/insights.csv", include_in_schema=False)
def insights_csv(
    request: Request,
    auth: Viewer,
    session: SessionDep,
    table: Annotated[str, Query()] = "topic",
    start: Start = None,
    end: End = None,
    language: Text = "",
    channel: Text = "",
    city: Text = "",
    by: Annotated[str, Query(pattern="^(day|week)$")] = "day",
) -> Response:
    """One table of the page as CSV, with the same suppression."""
    if table not in TABLES:
        raise HTTPException(status_code=404, detail="No such table.")
    filters = _filters(start, end, language, channel, city)
    built = report.build(session, filters, today=local_day(utcnow()), by=by)
    out = io.StringIO()
    csv.writer(out).writerows(report.csv_rows(built, table))
    audit(session, actor=auth.user, action="insights_exported", target=table, ip=client_ip(request))
    session.commit()
    name = f"dalil-insights-{table}-{filters.start}-{filters.end}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
