"""A tiny round-robin HTTP proxy on loopback: what nginx does in front of Rasa replicas.

Each request goes to the next backend in turn, so one conversation's turns alternate between
Rasa processes; it counts what each backend served.
"""

from __future__ import annotations

import itertools
from collections import Counter

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def round_robin_app(backends: list[str]) -> tuple[Starlette, Counter[str]]:
    """The proxy app and the per-backend request counter it updates."""
    turn = itertools.cycle(backends)
    served: Counter[str] = Counter()
    client = httpx.AsyncClient(timeout=120)

    async def forward(request: Request) -> Response:
        backend = next(turn)
        served[backend] += 1
        upstream = await client.request(
            request.method,
            f"{backend}{request.url.path}",
            params=request.query_params,
            content=await request.body(),
            headers={k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP},
        )
        headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
        return Response(upstream.content, status_code=upstream.status_code, headers=headers)

    methods = ["GET", "POST", "PUT", "DELETE"]
    app = Starlette(routes=[Route("/{path:path}", forward, methods=methods)])
    return app, served
