"""Liveness and readiness probes for load balancers and `make run`."""

import asyncio

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from gateway.dependencies import EngineDep, HttpDep, RasaDep, SettingsDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


async def _action_server_ready(http: httpx.AsyncClient, url: str) -> bool:
    try:
        response = await http.get(f"{url.rstrip('/')}/health", timeout=3.0)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _database_ready(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@router.get(
    "/readyz", responses={503: {"description": "A part Dalil needs is down; `failing` names it."}}
)
async def readyz(
    settings: SettingsDep, http: HttpDep, rasa: RasaDep, engine: EngineDep
) -> JSONResponse:
    """Rasa, the action server and the database are all reachable."""
    rasa_ok, actions_ok, database_ok = await asyncio.gather(
        rasa.is_ready(),
        _action_server_ready(http, settings.action_server_url),
        asyncio.to_thread(_database_ready, engine),
    )
    checks = {"rasa": rasa_ok, "action_server": actions_ok, "database": database_ok}
    failing = [name for name, ok in checks.items() if not ok]
    return JSONResponse(
        {"status": "ready" if not failing else "unavailable", "checks": checks, "failing": failing},
        status_code=200 if not failing else 503,
    )
