"""The action server as production starts it: JSON logs with the correlation id, its own /metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.devstack import free_port
from tests.actions.actionkit import DOMAIN, make_tracker

ROOT = Path(__file__).resolve().parents[2]


def test_action_server_logs_json_and_exposes_metrics(kb_path: Path, tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "DALIL_DATABASE_URL": f"sqlite:///{kb_path}",
        "DALIL_ACTIONS_METRICS_PORT": str(metrics_port),
        "SANIC_HOST": "127.0.0.1",
    }
    stderr = (tmp_path / "stderr").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "actions.serve", "--actions", "actions", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=stderr,
        stderr=stderr,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "stderr").read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "action server did not start"
            time.sleep(0.3)
        tracker = make_tracker(text="j'ai besoin d'un médecin 0612345678", intent="ask_health_care")
        tracker.latest_message["metadata"]["correlation_id"] = "ab" * 16
        state = {
            "sender_id": tracker.sender_id,
            "slots": tracker.slots,
            "latest_message": tracker.latest_message,
            "events": tracker.events,
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
        answer = httpx.post(
            f"http://127.0.0.1:{port}/webhook",
            json={
                "next_action": "action_answer_topic",
                "sender_id": tracker.sender_id,
                "tracker": state,
                "domain": DOMAIN,
                "version": "3.6.21",
            },
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["responses"][0]["custom"]["insight"]["topic"] == "health_care"
        scraped = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
        assert (
            'dalil_action_seconds_count{action="action_answer_topic",outcome="ok"} 1.0' in scraped
        )
    finally:
        server.terminate()
        server.wait(timeout=20)
    lines = [line for line in (tmp_path / "stderr").read_text().splitlines() if line.strip()]
    ours = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(line.get("cid") == "ab" * 16 and line["msg"] == "action" for line in ours)
    assert not any("0612345678" in line or "médecin" in line for line in lines)
