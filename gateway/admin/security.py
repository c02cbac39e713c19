"""Passwords, signed session cookies, CSRF tokens, roles and login rate limits."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from redis import Redis

from gateway.admin.models import ROLES
from gateway.settings import GatewaySettings

SESSION_COOKIE = "dalil_admin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class Permission(StrEnum):
    """What a role may be allowed to do; `PERMISSIONS` says which role may."""

    CONTENT = "content"  # edit the knowledge base as drafts, see revisions and facts to re-check
    EDIT_ANY_DRAFT = "edit_any_draft"  # change or submit a draft someone else wrote
    PUBLISH = "publish"  # publish, reject, roll back; approve alerts
    AUDIT = "audit"  # read the audit log
    UNANSWERED = "unanswered"  # the unanswered questions and the review loop
    STAFF = "staff"  # the entitlement checker and the handover inbox
    USERS = "users"  # sessions of others, desk hours
    INSIGHTS = "insights"  # the insights pages


# The one table of who may do what: every check goes through `allowed`. An admin may do everything.
PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "editor": frozenset({Permission.CONTENT, Permission.UNANSWERED, Permission.INSIGHTS}),
    "staff": frozenset({Permission.STAFF, Permission.INSIGHTS}),
}
assert set(PERMISSIONS) == set(ROLES)

_hasher = PasswordHasher()
# Verified against when the account does not exist, so timing does not reveal which e-mails exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; always spends the same work, even without an account."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


class OwnDraft(Exception):
    """An admin tried to publish a draft they wrote (four eyes)."""


def check_four_eyes(*, author_id: int, publisher_id: int, allow_self_publish: bool) -> None:
    """Refuse publishing one's own draft unless the deployment allows it (one-person teams)."""
    if author_id == publisher_id and not allow_self_publish:
        raise OwnDraft("another admin must publish a draft you wrote")


def allowed(role: str | None, permission: Permission | str) -> bool:
    """Whether `role` carries `permission` (a name that is no permission raises ValueError)."""
    return role is not None and Permission(permission) in PERMISSIONS.get(role, frozenset())


@dataclass
class SessionData:
    """What the signed cookie carries: the user (once logged in) and the CSRF token."""

    csrf: str
    user_id: int | None = None
    # The password hash's tail: changing the password ends every other session.
    stamp: str = ""
    # The server-side session's random id (admin_sessions holds its hash): logging out or an
    # admin ending the session revokes it there, whatever the browser keeps.
    sid: str = ""

    def dump(self) -> dict[str, Any]:
        """The cookie payload."""
        return {"c": self.csrf, "u": self.user_id, "s": self.stamp, "i": self.sid}


class SessionCodec:
    """Signs and checks session cookies with the server's secret (itsdangerous)."""

    def __init__(self, secret: str, *, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="dalil-admin-session")
        self.max_age = max_age_seconds

    def encode(self, data: SessionData) -> str:
        """The signed cookie value."""
        return self._serializer.dumps(data.dump())

    def decode(self, value: str | None) -> SessionData | None:
        """The session in a cookie, or None when missing, forged or expired."""
        if not value:
            return None
        try:
            raw = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("c"), str):
            return None
        user_id = raw.get("u")
        return SessionData(
            csrf=raw["c"],
            user_id=user_id if isinstance(user_id, int) else None,
            stamp=str(raw.get("s") or ""),
            sid=str(raw.get("i") or ""),
        )


def new_session() -> SessionData:
    """An anonymous session with a fresh CSRF token."""
    return SessionData(csrf=secrets.token_urlsafe(32))


def new_session_id() -> str:
    """A random id for a server-side session (what the cookie carries)."""
    return secrets.token_urlsafe(32)


def session_key(sid: str) -> str:
    """What the database keeps of a session id: its SHA-256, never the id itself."""
    return hashlib.sha256(sid.encode()).hexdigest()


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash, bound into the session."""
    return password_hash[-12:]


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the session's token with the submitted one."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


class FailureStore(Protocol):
    """Counts failed logins per key: how many lately, and when the last one was."""

    def get(self, key: str) -> tuple[int, float]:
        """(failures within the window, time of the last one), (0, 0.0) when none."""

    def add(self, key: str, now: float) -> None:
        """Count one failure at `now`."""

    def clear(self, key: str) -> None:
        """Forget the key's failures."""


class MemoryFailures:
    """Failures in this process's memory, bounded in the number of keys."""

    def __init__(self, *, window_seconds: float, capacity: int = 50_000) -> None:
        self._window = window_seconds
        self._capacity = capacity
        self._items: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def get(self, key: str) -> tuple[int, float]:
        """(failures within the window, time of the last one)."""
        count, last = self._items.get(key, (0, 0.0))
        if count and time.time() - last > self._window:
            self._items.pop(key, None)
            return 0, 0.0
        return count, last

    def add(self, key: str, now: float) -> None:
        """Count one failure."""
        count, _ = self.get(key)
        self._items[key] = (count + 1, now)
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def clear(self, key: str) -> None:
        """Forget the key."""
        self._items.pop(key, None)


class RedisFailures:
    """Failures in Redis, so every gateway replica sees the same counts (and restarts keep them)."""

    def __init__(self, redis: Redis, *, window_seconds: float, prefix: str = "dalil:") -> None:
        self._redis = redis
        self._window = max(1, int(window_seconds))
        self._prefix = f"{prefix}login:"

    def get(self, key: str) -> tuple[int, float]:
        """(failures within the window, time of the last one)."""
        raw = self._redis.hmget(self._prefix + key, ["n", "last"])
        count, last = raw[0], raw[1]
        return (int(count), float(last)) if count is not None and last is not None else (0, 0.0)

    def add(self, key: str, now: float) -> None:
        """Count one failure; the window restarts with each failure."""
        name = self._prefix + key
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(name, "n", 1)
            pipe.hset(name, "last", repr(now))
            pipe.expire(name, self._window)
            pipe.execute()

    def clear(self, key: str) -> None:
        """Forget the key."""
        self._redis.delete(self._prefix + key)


class LoginLimiter:
    """A growing delay after repeated failures, per account and address, and per address.

    No hard lockout: a lockout per account lets anyone lock an administrator out with a few
    wrong passwords. Past the free failures each one doubles the wait (1 s, 2 s, 4 s …, capped),
    which makes guessing hopeless while the owner, from their own address, is never locked out.
    """

    def __init__(
        self,
        *,
        per_ip: int,
        per_account: int,
        window_seconds: float,
        max_delay_seconds: float = 300.0,
        store: FailureStore | None = None,
    ) -> None:
        self._free = {"ip": per_ip, "pair": per_account}
        self._max_delay = max_delay_seconds
        self._store: FailureStore = store or MemoryFailures(window_seconds=window_seconds)

    def _keys(self, ip: str, account: str) -> dict[str, str]:
        return {"ip": f"ip:{ip}", "pair": f"pair:{account.lower()}:{ip}"}

    def delay(self, failures: int, free: int) -> float:
        """The wait after `failures` failures when `free` of them cost nothing."""
        if failures < free:
            return 0.0
        return float(min(self._max_delay, 2 ** (failures - free + 1)))

    def wait_seconds(self, *, ip: str, account: str, now: float | None = None) -> float:
        """How long this address must wait before trying this account again (0: go ahead)."""
        now = time.time() if now is None else now
        wait = 0.0
        for kind, key in self._keys(ip, account).items():
            failures, last = self._store.get(key)
            if failures:
                wait = max(wait, last + self.delay(failures, self._free[kind]) - now)
        return max(wait, 0.0)

    def blocked(self, *, ip: str, account: str) -> bool:
        """Whether this address must wait before trying this account again."""
        return self.wait_seconds(ip=ip, account=account) > 0

    def failed(self, *, ip: str, account: str) -> None:
        """Count one failed attempt against the address and the account from that address."""
        now = time.time()
        for key in self._keys(ip, account).values():
            self._store.add(key, now)

    def succeeded(self, *, account: str, ip: str = "") -> None:
        """A correct password clears the account's count from that address (not the address's)."""
        self._store.clear(self._keys(ip, account)["pair"])


@dataclass
class Security:
    """Per-app session signer and login limiter."""

    codec: SessionCodec
    limiter: LoginLimiter
    secure_cookies: bool
    # One-person deployments only (DALIL_ALLOW_SELF_PUBLISH): an admin publishes their own drafts.
    allow_self_publish: bool = False


def make_security(settings: GatewaySettings) -> Security:
    """The session codec and login limiter `settings` ask for."""
    # Without a configured secret (development, test) sessions last as long as the process.
    secret = (
        settings.session_secret.get_secret_value()
        if settings.session_secret is not None
        else secrets.token_urlsafe(32)
    )
    return Security(
        codec=SessionCodec(secret, max_age_seconds=int(settings.admin_session_hours * 3600)),
        limiter=LoginLimiter(
            per_ip=settings.login_max_failures_per_ip,
            per_account=settings.login_max_failures_per_account,
            window_seconds=settings.login_window_seconds,
            max_delay_seconds=settings.login_max_delay_seconds,
            store=_failure_store(settings),
        ),
        allow_self_publish=settings.allow_self_publish,
        secure_cookies=(
            settings.admin_cookie_secure
            if settings.admin_cookie_secure is not None
            else settings.environment == "production"
        ),
    )


def _failure_store(settings: GatewaySettings) -> FailureStore:
    # Shared by every replica when Redis is configured: a login limit per process is no limit.
    if settings.redis_url:
        return RedisFailures(
            Redis.from_url(settings.redis_url),
            window_seconds=settings.login_window_seconds,
            prefix=settings.redis_key_prefix,
        )
    return MemoryFailures(window_seconds=settings.login_window_seconds)
