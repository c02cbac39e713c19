"""A 10,000-subscriber alert, its outbox process killed mid-way (SIGKILL) and restarted.

Measures the send rate and checks that every subscriber got the alert exactly once. The
outbox (`python -m gateway.alerts`) runs as a real process on PostgreSQL, sending to a fake
WhatsApp Cloud API on loopback (tests/fakes/providers.py) that records every request. Half the
subscribers wrote more than 24 hours ago, so they get the approved template. After the kill,
Meta's status webhooks (`sent`, echoing our `biz_opaque_callback_data`) are applied through
the gateway's own handler, as the webhook route does: they settle the rows the kill left
uncertain; the others are resent after the grace period.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bench import pg
from dalil.settings import ROOT

DB = "dalil_bench_alerts"
RATE = 200.0
PROCESS_TIMEOUT = 600.0


def _fakes() -> Any:
    from tests.fakes.providers import FakeWorld, build_app
    from tests.fakes.server import LoopbackServer

    world = FakeWorld()
    return world, LoopbackServer(build_app(world)).start()


def _populate(url: str, subscribers: int) -> int:
    from gateway.alerts.models import Alert, Delivery, Subscription
    from gateway.alerts.outbox import materialise
    from gateway.inbox.models import Contact
    from knowledge.db import make_engine, upgrade

    upgrade(url)
    engine = make_engine(url)
    at = datetime.now(UTC)
    old = at - timedelta(hours=30)
    languages = ("fr", "ar", "en", "es")
    with Session(engine) as session, session.begin():
        contacts, subs = [], []
        for i in range(subscribers):
            sender = f"wa:bench{i:06d}"
            contacts.append(
                {
                    "sender": sender,
                    "channel": "whatsapp",
                    "address": {"to": f"2126{i:08d}"},
                    "last_seen_at": old if i % 2 else at,
                }
            )
            subs.append(
                {
                    "sender": sender,
                    "channel": "whatsapp",
                    "language": languages[i % 4],
                    "topic": "health_care",
                    "city": "",
                    "consented_at": at,
                }
            )
        session.execute(insert(Contact), contacts)
        session.execute(insert(Subscription), subs)
        alert = Alert(
            kind="change",
            status="approved",
            topic="health_care",
            languages=[],
            channels=[],
            created_at=at,
            changed_on=at.date().isoformat(),
            texts={
                **{lang: f"Alert in {lang}" for lang in languages},
                **{f"template:{lang}": "Health care\n1 December" for lang in languages},
            },
        )
        session.add(alert)
        session.flush()
        materialise(session, alert)
        alert.status = "sending"
        alert_id = alert.id
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == subscribers
    engine.dispose()
    return alert_id


def _env(url: str, fake_url: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DALIL_ENVIRONMENT": "development",
        "DALIL_DATABASE_URL": url,
        "DALIL_LOG_LEVEL": "WARNING",
        "DALIL_WHATSAPP_VERIFY_TOKEN": "v",
        "DALIL_WHATSAPP_APP_SECRET": "s",
        "DALIL_WHATSAPP_ACCESS_TOKEN": "t",
        "DALIL_WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "DALIL_WHATSAPP_API_BASE_URL": fake_url,
        "DALIL_ALERT_RATE_WHATSAPP": str(RATE),
        "DALIL_ALERT_CONCURRENCY": "16",
        "DALIL_ALERT_WHATSAPP_TEMPLATE": "dalil_alert",
        "DALIL_ALERT_LEASE_SECONDS": "2",
        "DALIL_ALERT_UNCERTAIN_GRACE_SECONDS": "3",
        "DALIL_ALERT_POLL_SECONDS": "0.5",
    }


_ENGINES: dict[str, Any] = {}


def _counts(url: str) -> Counter[str]:
    from gateway.alerts.models import Delivery
    from knowledge.db import make_engine

    engine = _ENGINES.setdefault(url, make_engine(url))
    with Session(engine) as session:
        rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        return Counter({status: int(n) for status, n in rows})


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (/proc/<pid>/stat, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _statuses(url: str, bodies: list[dict[str, Any]]) -> int:
    """Meta's `sent` status webhooks for what the fake accepted, through the gateway's handler."""
    import json

    from gateway.alerts.statuses import apply_whatsapp
    from knowledge.db import make_engine

    engine = make_engine(url)
    applied = 0
    for start in range(0, len(bodies), 100):
        statuses = [
            {
                "id": f"wamid.bench{start + i}",
                "status": "sent",
                "timestamp": "1717000000",
                "recipient_id": b.get("to"),
                "biz_opaque_callback_data": b["biz_opaque_callback_data"],
            }
            for i, b in enumerate(bodies[start : start + 100])
        ]
        payload = {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {"messaging_product": "whatsapp", "statuses": statuses},
                        }
                    ],
                }
            ],
        }
        applied += apply_whatsapp(engine, json.dumps(payload).encode())
    engine.dispose()
    return applied


def run(*, quick: bool = False) -> dict[str, Any]:
    """Send, kill, restart, verify; the figures for docs/benchmarks.md."""
    subscribers = 2_000 if quick else 10_000
    url = pg.create_database(DB)
    world, server = _fakes()
    try:
        _populate(url, subscribers)
        env = _env(url, server.url)
        command = [str(ROOT / ".venv" / "bin" / "python"), "-m", "gateway.alerts"]
        started = time.monotonic()
        first = subprocess.Popen(command, cwd=ROOT, env=env)
        while len(world.whatsapp) < subscribers * 0.4:
            if time.monotonic() - started > PROCESS_TIMEOUT or first.poll() is not None:
                raise RuntimeError("the outbox did not reach 40 % in time")
            time.sleep(0.05)
        first_cpu = _cpu_seconds(first.pid)
        os.kill(first.pid, signal.SIGKILL)  # a real kill: no handler, no cleanup
        first.wait()
        killed_after = time.monotonic() - started
        sent_before_kill = len(world.whatsapp)
        at_kill = _counts(url)
        settled = _statuses(url, [r.body for r in world.whatsapp])
        restart_at = time.monotonic()
        second = subprocess.Popen(command, cwd=ROOT, env=env)
        try:
            while True:
                counts = _counts(url)
                if (
                    counts.get("pending", 0) + counts.get("sending", 0) + counts.get("uncertain", 0)
                    == 0
                ):
                    break
                if time.monotonic() - restart_at > PROCESS_TIMEOUT:
                    raise RuntimeError(f"the restarted outbox did not finish: {dict(counts)}")
                time.sleep(0.5)
            second_cpu = _cpu_seconds(second.pid)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
        finished_after = time.monotonic() - restart_at
        per_recipient = Counter(r.body.get("to") for r in world.whatsapp)
        templates = sum(1 for r in world.whatsapp if r.body.get("type") == "template")
        twice = sum(1 for n in per_recipient.values() if n > 1)
        return {
            "subscribers": subscribers,
            "rate_limit_per_second": RATE,
            "killed_after_seconds": round(killed_after, 1),
            "sent_before_kill": sent_before_kill,
            "rows_at_kill": dict(at_kill),
            "statuses_applied": settled,
            "restart_to_done_seconds": round(finished_after, 1),
            "send_rate_first_run": round(sent_before_kill / killed_after, 1),
            "send_rate_after_restart": round(
                (len(world.whatsapp) - sent_before_kill) / finished_after, 1
            ),
            # Machine-independent: the outbox's own CPU per message (process start included).
            "outbox_cpu_ms_per_message": round(
                1000 * (first_cpu + second_cpu) / max(1, len(world.whatsapp)), 2
            ),
            "load_average_during_run": [round(x, 1) for x in os.getloadavg()],
            "reached": len(per_recipient),
            "reached_twice": twice,
            "requests": len(world.whatsapp),
            "templates": templates,
            "final_rows": dict(_counts(url)),
            "exactly_once": len(per_recipient) == subscribers
            and twice == 0
            and len(world.whatsapp) == subscribers,
        }
    finally:
        server.stop()
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()
        pg.drop_database(DB)


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
