"""Admin attacks as requests: lockout, address rotation, a replicated limiter, stolen sessions,
publishing one's own draft."""

from __future__ import annotations

import re

import redis
from fastapi.testclient import TestClient

from gateway.admin.security import SESSION_COOKIE, LoginLimiter, MemoryFailures
from gateway.app import create_app
from tests.fakes.gateway import REDIS_URL
from tests.gateway.accounts import EMAILS, PASSWORD, csrf_of, draft_answer, login, make_settings

PROXY = "10.0.0.2"


def _attempt(client: TestClient, email: str, password: str, ip: str | None = None) -> int:
    headers = {"X-Forwarded-For": ip} if ip else {}
    page = client.get("/admin/login")
    return client.post(
        "/admin/login",
        data={"email": email, "password": password, "csrf_token": csrf_of(page.text)},
        headers=headers,
    ).status_code


def test_failed_guesses_cannot_lock_the_admin_out(database_url: str) -> None:
    """Six failures from an attacker's address used to lock the account for everyone."""
    settings = make_settings(database_url, trusted_proxies=PROXY, login_max_failures_per_account=5)
    with TestClient(create_app(settings), client=(PROXY, 443), follow_redirects=False) as c:
        attacker = [_attempt(c, EMAILS["admin"], "guess", ip="198.51.100.66") for _ in range(6)]
        assert attacker[:5] == [401] * 5 and attacker[5] == 429
        page = c.get("/admin/login")
        refused = c.post(
            "/admin/login",
            data={"email": EMAILS["admin"], "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            headers={"X-Forwarded-For": "198.51.100.66"},
        )
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        # The admin, from their own address, logs in at once.
        assert _attempt(c, EMAILS["admin"], PASSWORD, ip="203.0.113.5") == 303


def test_rotating_x_forwarded_for_does_not_reset_the_login_limit(database_url: str) -> None:
    settings = make_settings(
        database_url,
        trusted_proxies=PROXY,
        login_max_failures_per_ip=4,
        login_max_failures_per_account=100,
    )
    # The attacker reaches the gateway directly, not through the proxy: its header is ignored.
    with TestClient(create_app(settings), client=("198.51.100.9", 1), follow_redirects=False) as c:
        codes = [_attempt(c, f"g{n}@dalil.test", "x", ip=f"192.0.2.{n}") for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]


def test_the_wait_doubles_with_each_failure_and_is_capped() -> None:
    failures = MemoryFailures(window_seconds=900)
    limiter = LoginLimiter(
        per_ip=100, per_account=2, window_seconds=900, max_delay_seconds=30, store=failures
    )
    waits = []
    for _ in range(7):
        limiter.failed(ip="1.2.3.4", account="a@b")
        _, last = failures.get("pair:a@b:1.2.3.4")
        waits.append(round(limiter.wait_seconds(ip="1.2.3.4", account="a@b", now=last)))
    assert waits == [0, 2, 4, 8, 16, 30, 30]
    assert limiter.wait_seconds(ip="5.6.7.8", account="a@b") == 0


def test_replicas_share_the_login_limit_through_redis(database_url: str, redis_prefix: str) -> None:
    settings = make_settings(
        database_url,
        redis_url=REDIS_URL,
        redis_key_prefix=redis_prefix,
        login_max_failures_per_account=2,
    )
    with TestClient(create_app(settings), follow_redirects=False) as first:
        assert [_attempt(first, EMAILS["editor"], "x") for _ in range(2)] == [401, 401]
    # Another replica (another app, same Redis) already knows.
    with TestClient(create_app(settings), follow_redirects=False) as second:
        assert _attempt(second, EMAILS["editor"], PASSWORD) == 429
    assert redis.Redis.from_url(REDIS_URL).exists(f"{redis_prefix}login:ip:testclient")


def test_a_cookie_copied_before_logout_is_worthless_after(client: TestClient) -> None:
    token = login(client, "admin")
    stolen = client.cookies.get(SESSION_COOKIE)
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    client.cookies.set(SESSION_COOKIE, stolen)
    assert client.get("/api/v1/admin/topics").status_code == 401


def test_an_admin_ends_another_persons_session(database_url: str) -> None:
    with TestClient(create_app(make_settings(database_url)), follow_redirects=False) as staff:
        login(staff, "staff")
        assert staff.get("/api/v1/staff/handovers").status_code == 200
        with TestClient(create_app(make_settings(database_url)), follow_redirects=False) as admin:
            token = login(admin, "admin")
            page = admin.get("/admin/sessions").text
            assert EMAILS["staff"] in page
            row = page[page.index(EMAILS["staff"]) :]
            key = re.search(r'action="/admin/sessions/([0-9a-f]{64})/revoke"', row)
            assert key
            ended = admin.post(f"/admin/sessions/{key.group(1)}/revoke", data={"csrf_token": token})
            assert ended.status_code == 303
        assert staff.get("/api/v1/staff/handovers").status_code == 401


def test_only_admins_see_and_end_sessions(client: TestClient) -> None:
    login(client, "editor")
    assert client.get("/admin/sessions").status_code == 403


def _own_draft(client: TestClient, token: str) -> int:
    h = {"X-CSRF-Token": token}
    draft = draft_answer(client, token, {"short_answer": "An answer nobody else checked."})
    assert draft.status_code == 201, draft.text
    draft_id = int(draft.json()["id"])
    assert client.post(f"/api/v1/admin/drafts/{draft_id}/submit", headers=h).status_code == 200
    return draft_id


def test_an_admin_cannot_publish_their_own_draft(database_url: str) -> None:
    settings = make_settings(database_url, allow_self_publish=False)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        token = login(c, "admin")
        draft_id = _own_draft(c, token)
        page = c.get(f"/admin/drafts/{draft_id}").text
        assert 'id="four-eyes"' in page and f"/admin/drafts/{draft_id}/publish" not in page
        assert (
            c.post(
                f"/api/v1/admin/drafts/{draft_id}/publish", headers={"X-CSRF-Token": token}
            ).status_code
            == 403
        )
        assert (
            c.post(f"/admin/drafts/{draft_id}/publish", data={"csrf_token": token}).status_code
            == 403
        )


def test_self_publishing_is_a_visible_choice_of_one_person_deployments(database_url: str) -> None:
    settings = make_settings(database_url, allow_self_publish=True)
    with TestClient(create_app(settings), follow_redirects=False) as c:
        token = login(c, "admin")
        draft_id = _own_draft(c, token)
        assert "DALIL_ALLOW_SELF_PUBLISH" in c.get(f"/admin/drafts/{draft_id}").text
        published = c.post(
            f"/api/v1/admin/drafts/{draft_id}/publish", headers={"X-CSRF-Token": token}
        )
        assert published.status_code == 200 and published.json()["status"] == "published"


def test_four_eyes_is_the_default() -> None:
    from gateway.settings import GatewaySettings

    assert GatewaySettings.model_fields["allow_self_publish"].default is False
