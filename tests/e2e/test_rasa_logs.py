"""Rasa's own log: JSON lines, the gateway's correlation id on the message's lines, no text."""

from __future__ import annotations

import json
import time
from typing import Any

from bench.devstack import Stack


def _json_lines(path: Any) -> list[dict[str, Any]]:
    """Every line of the log, parsed (fails on the first line that is not a JSON object)."""
    records = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"line {number} of {path.name} is not JSON: {line!r}") from exc
        assert isinstance(record, dict), line
        records.append(record)
    return records


def test_rasa_logs_json_lines_with_the_message_correlation_id_and_no_text(
    stack: Stack, conversation: Any
) -> None:
    """One message through the gateway: its cid (from the gateway's `turn` line) is on a JSON
    line of Rasa's log; every Rasa line is JSON; neither the text nor the phone number appears."""
    phone = "0661234567"
    text = f"bonjour je cherche aide zqxwv mon numero {phone}"
    conversation("rasalog", "fr").say(text)

    gateway_log = stack.workdir / "gateway.log"
    rasa_log = stack.workdir / "rasa.log"
    deadline = time.monotonic() + 10
    cids: set[str] = set()
    while time.monotonic() < deadline:
        # uvicorn's own start-up lines in the gateway's log are text: only its JSON lines here.
        gateway_lines = gateway_log.read_text().splitlines()
        turns = [json.loads(line) for line in gateway_lines if '"msg": "turn"' in line]
        cids = {r["cid"] for r in turns if r.get("cid")}
        if cids & {r.get("cid") for r in _json_lines(rasa_log)}:
            break
        time.sleep(0.5)
    rasa_records = _json_lines(rasa_log)
    assert rasa_records, "Rasa wrote nothing"
    assert {"ts", "level", "logger", "msg"} <= set(rasa_records[0])
    tagged = [r for r in rasa_records if r.get("cid") in cids]
    assert tagged, f"no Rasa line carries one of the gateway's ids {sorted(cids)}"
    assert any(r["msg"] == "message" and r.get("outcome") == "ok" for r in tagged)
    raw = rasa_log.read_text()
    assert "zqxwv" not in raw
    assert phone not in raw
    assert all(r["level"] != "debug" for r in rasa_records)
