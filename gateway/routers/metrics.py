"""`GET /metrics` for the operators' Prometheus (the metrics themselves: `gateway.metrics`)."""

from fastapi import APIRouter, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from gateway.dependencies import OptionalEngineDep, OptionalInboxDep, SettingsDep
from gateway.metrics import allowed, refresh_gauges

router = APIRouter(tags=["operations"])


@router.get("/metrics", include_in_schema=False)
def metrics(
    request: Request, settings: SettingsDep, engine: OptionalEngineDep, inbox: OptionalInboxDep
) -> Response:
    """Prometheus metrics (internal network or bearer token)."""
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    if not allowed(request, token):
        raise HTTPException(status_code=404)
    refresh_gauges(engine, inbox)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
