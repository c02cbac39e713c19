"""Passwords, signed session cookies, CSRF tokens, roles and login rate limits."""

from __future__ import annotations

import hmac
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from gateway.admin.models import ROLES

SESSION_COOKIE = "dalil_admin"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
# What each role may do; an admin may do everything.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"content", "publish", "audit", "unanswered", "staff", "users", "insights"}),
    "editor": frozenset({"content", "unanswered", "insights"}),
    "staff": frozenset({"staff", "insights"}),
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


def allowed(role: str | None, permission: str) -> bool:
    """Whether `role` carries `permission`."""
    return role is not None and permission in PERMISSIONS.get(role, frozenset())


@dataclass
class SessionData:
    """What the signed cookie carries: the user (once logged in) and the CSRF token."""

    csrf: str
    user_id: int | None = None
    # The password hash's tail: changing the password ends every other session.
    stamp: str = ""

    def dump(self) -> dict[str, Any]:
        """The cookie payload."""
        return {"c": self.csrf, "u": self.user_id, "s": self.stamp}


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
        )


def new_session() -> SessionData:
    """An anonymous session with a fresh CSRF token."""
    return SessionData(csrf=secrets.token_urlsafe(32))


def password_stamp(password_hash: str) -> str:
    """A short fingerprint of the password hash, bound into the session."""
    return password_hash[-12:]


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the session's token with the submitted one."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


class LoginLimiter:
    """Sliding windows of failed logins per IP and per account (one process, bounded memory)."""

    def __init__(
        self,
        *,
        per_ip: int,
        per_account: int,
        window_seconds: float,
        capacity: int = 50_000,
    ) -> None:
        self._limits = {"ip": per_ip, "account": per_account}
        self._window = window_seconds
        self._capacity = capacity
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._failures.setdefault(key, deque())
        self._failures.move_to_end(key)
        while hits and hits[0] <= now - self._window:
            hits.popleft()
        while len(self._failures) > self._capacity:
            self._failures.popitem(last=False)
        return hits

    def blocked(self, *, ip: str, account: str) -> bool:
        """Whether this IP or this account has failed too often lately."""
        now = time.monotonic()
        return len(self._recent(f"ip:{ip}", now)) >= self._limits["ip"] or len(
            self._recent(f"account:{account.lower()}", now)
        ) >= self._limits["account"]

    def failed(self, *, ip: str, account: str) -> None:
        """Count one failed attempt against both keys."""
        now = time.monotonic()
        self._recent(f"ip:{ip}", now).append(now)
        self._recent(f"account:{account.lower()}", now).append(now)

    def succeeded(self, *, account: str) -> None:
        """A correct password clears the account's count (not the IP's)."""
        self._failures.pop(f"account:{account.lower()}", None)
