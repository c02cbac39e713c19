""" "Delete my data" and `dalil purge` leave nothing of a person: every table, Rasa's tracker
store and Redis are searched for the pseudonyms and the texts after the deletion.

One person writes through every path: WhatsApp and the web chat, a handover with a staff reply
(and the earlier turns copied from Rasa's tracker into its summary), a question the bot could not
answer, one it was unsure about with the topic then chosen, the language memory and the rate
limiter in Redis, Rasa's SQL tracker store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.orm import Session

from gateway.admin.models import AdminUser, Handover, HandoverMessage, UnansweredQuestion
from gateway.admin.security import hash_password
from gateway.privacy import pseudonym
from gateway.purge import app as purge_cli
from gateway.settings import GatewaySettings
from knowledge.db import upgrade
from tests.databases import DB_PREFIX, drop_pg_database, recreate_pg_database
from tests.engine import run_engine_script
from tests.fakes.gateway import (
    REDIS_URL,
    Harness,
    fake_world,
    running_gateway,
    sender_of,
    settings_for,
    wa_text,
    wait_for,
)
from tests.gateway.accounts import EMAILS, PASSWORD, csrf_of, login

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
PHONE = "212600000077"
WEB_ID = "browser-forget-me"
# What the person wrote; none of it may survive.
EARLY = "mon mari garde mes papiers depuis janvier"
HELD = "je suis à Oujda près de la gare routière"
UNCLEAR = "huh kifach ndir lwra9i"
WEB_TEXT = "ma fille Awa n'a pas de place à l'école"
UNSURE = "unsure le proprietaire de Awa veut la mettre dehors"
STAFF_REPLY = "Bonjour Awa, appelez l'association demain matin"


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """The gateway's database (every migration) and a Rasa SQL tracker store, on PostgreSQL."""
    main = recreate_pg_database(DB_PREFIX + "_forget")
    tracker_name = DB_PREFIX + "_forget_tracker"
    tracker = recreate_pg_database(tracker_name)
    upgrade(main)
    engine = create_engine(main)
    with Session(engine) as session:
        session.add(
            AdminUser(
                email=EMAILS["staff"],
                role="staff",
                password_hash=hash_password(PASSWORD),
                active=True,
            )
        )
        session.commit()
    engine.dispose()
    yield main, tracker
    for name in (DB_PREFIX + "_forget", tracker_name):
        drop_pg_database(name)


def save_rasa_tracker(tracker_url: str, sender: str, texts: list[str]) -> None:
    """What Rasa's SQL tracker store holds after handling these messages (written by Rasa)."""
    done = run_engine_script(
        Path(__file__).with_name("engine_tracker.py"),
        tracker_url.rsplit("/", 1)[1],
        sender,
        *texts,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def find_everywhere(url: str, needles: list[str]) -> list[tuple[str, str]]:
    """(table, needle) for every row of every table that contains a needle."""
    engine = create_engine(url)
    found = []
    try:
        with engine.connect() as connection:
            for table in inspect(connection).get_table_names():
                rows = connection.execute(text(f'SELECT CAST(t.* AS text) FROM "{table}" t'))
                for (row,) in rows:
                    found += [(table, n) for n in needles if n in row]
    finally:
        engine.dispose()
    return found


def find_in_redis(prefix: str, needles: list[str]) -> list[str]:
    client = redis.Redis.from_url(REDIS_URL)
    found = []
    try:
        for key in client.scan_iter(f"{prefix}*"):
            value = client.dump(key) or b""
            found += [n for n in needles if n.encode() in key or n.encode() in value]
    finally:
        client.close()
    return found


def write_everything(harness: Harness, tracker_url: str) -> tuple[str, str]:
    """One person's data through every path; returns their two pseudonyms."""
    wa, web = (
        sender_of("wa", PHONE),
        pseudonym("web", WEB_ID, key=harness.settings.pseudonym_key.get_secret_value()),
    )
    client, world = harness.client, harness.world
    for i, message in enumerate([EARLY, UNCLEAR, "/human_handover", HELD]):
        harness.whatsapp(wa_text(message, wamid=f"wamid.forget{i}", wa_id=PHONE))
        wait_for(
            lambda i=i: (
                len(world.rasa_texts(wa)) >= min(i + 1, 3) and len(world.whatsapp) >= min(i + 1, 3)
            )
        )
    response = client.post(
        "/api/v1/chat", json={"sender": WEB_ID, "text": WEB_TEXT, "language": "fr"}
    )
    assert response.status_code == 200
    for message in (UNSURE, "/ask_housing"):  # "did you mean…?", then a topic chosen
        response = client.post("/api/v1/chat", json={"sender": WEB_ID, "text": message})
        assert response.status_code == 200
    save_rasa_tracker(tracker_url, wa, [EARLY, UNCLEAR, "/human_handover"])
    save_rasa_tracker(tracker_url, web, [WEB_TEXT])
    # A staff member answers through the inbox.
    engine = create_engine(harness.settings.database_url)
    with Session(engine) as session:
        wait_for(
            lambda: session.scalar(select(HandoverMessage.id).where(HandoverMessage.text == HELD))
        )
        handover_id = session.scalar(select(Handover.id).where(Handover.sender == wa))
        texts = set(session.scalars(select(HandoverMessage.text)))
        assert {EARLY, "/human_handover", HELD} <= texts, "the summary copied the earlier turns"
        assert session.scalar(select(UnansweredQuestion.id).where(UnansweredQuestion.sender == wa))
        chosen = select(UnansweredQuestion.chosen_intent).where(UnansweredQuestion.sender == web)
        assert session.scalar(chosen) == "ask_housing"
    engine.dispose()
    client.follow_redirects = False
    login(client, "staff")
    page = client.get(f"/staff/handovers/{handover_id}").text
    sent = client.post(
        f"/staff/handovers/{handover_id}/reply",
        data={"text": STAFF_REPLY, "csrf_token": csrf_of(page)},
    )
    assert sent.status_code == 303
    wait_for(lambda: STAFF_REPLY in world.sent_texts("whatsapp"))
    return wa, web


NEEDLES = [EARLY, HELD, UNCLEAR.split(" ", 1)[1], WEB_TEXT, UNSURE.split(" ", 1)[1], STAFF_REPLY]


@pytest.fixture
def prefix() -> Iterator[str]:
    value = f"dalil-forget-{uuid.uuid4().hex[:8]}:"
    yield value
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{value}*"):
        client.delete(key)
    client.close()


def _settings(fakes_url: str, databases: tuple[str, str], prefix: str) -> GatewaySettings:
    """A gateway on the PostgreSQL databases, the shared Redis (under `prefix`) and the fakes."""
    main, tracker = databases
    return settings_for(
        fakes_url,
        main,
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        rasa_tracker_database_url=tracker,
    )


def test_delete_my_data_during_a_handover_leaves_nothing(
    databases: tuple[str, str], prefix: str
) -> None:
    main, tracker = databases
    with fake_world() as (world, url):
        settings = _settings(url, databases, prefix)
        with running_gateway(settings) as client:
            harness = Harness(world, client, settings)
            wa, web = write_everything(harness, tracker)
            needles = [wa, web, *NEEDLES]
            assert find_everywhere(main, needles) and find_everywhere(tracker, needles)
            assert find_in_redis(prefix, [wa, web]), "language memory and rate limiter hold them"
            # During the open handover: the request still reaches Rasa (and so the deletion).
            harness.whatsapp(
                wa_text("supprimer mes données", wamid="wamid.forget-del", wa_id=PHONE)
            )
            wait_for(lambda: "deleted" in world.sent_texts("whatsapp"))
            assert (
                client.post("/api/v1/chat", json={"sender": WEB_ID, "text": "delete"}).status_code
                == 200
            )
            wait_for(lambda: not find_everywhere(main, [wa]))
    assert find_everywhere(main, needles) == []
    assert find_everywhere(tracker, needles) == []
    assert find_in_redis(prefix, [wa, web]) == []


def test_purge_leaves_nothing_older_than_the_cutoff(
    databases: tuple[str, str], prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    main, tracker = databases
    with fake_world() as (world, url):
        settings = _settings(url, databases, prefix)
        with running_gateway(settings) as client:
            wa, web = write_everything(Harness(world, client, settings), tracker)
        needles = [wa, web, *NEEDLES]
        assert find_everywhere(main, needles)
        env: dict[str, Any] = {
            "DALIL_ENVIRONMENT": "test",
            "DALIL_PSEUDONYM_KEY": settings.pseudonym_key.get_secret_value(),
            "DALIL_DATABASE_URL": main,
            "DALIL_REDIS_URL": REDIS_URL,
            "DALIL_REDIS_KEY_PREFIX": prefix,
            "DALIL_RASA_URL": url,
            "DALIL_RASA_TOKEN": "rasa-token",
            "DALIL_RASA_TRACKER_DATABASE_URL": tracker,
        }
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        result = CliRunner().invoke(purge_cli, ["--older-than", "0m"])
        assert result.exit_code == 0, result.output
        assert "1 handovers and 2 unanswered questions" in result.output
    assert find_everywhere(main, needles) == []
    assert find_everywhere(tracker, needles) == []
    assert find_in_redis(prefix, [wa, web]) == []
