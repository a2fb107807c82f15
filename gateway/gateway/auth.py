"""Who is calling: passwords, tokens, browser sessions with CSRF, API keys.

Integrators send `Authorization: Bearer <token>` or `X-API-Key: <key>`. The browser holds
its session in an httpOnly, SameSite cookie, and proves each write with the CSRF token
it reads from a second cookie (double submit, bound to the session's id).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Response, current_app, request
from sqlalchemy import select

from gateway.db import db
from gateway.errors import Problem
from gateway.models import ApiKey, User, now
from gateway.permissions import CONTACT_PERMISSIONS, ROLE_PERMISSIONS, allows

SESSION_COOKIE = "crm_session"
CSRF_COOKIE = "crm_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LAST_USED_PRECISION = timedelta(minutes=1)

_hasher = PasswordHasher()
# Verifying against a dummy hash when the email is unknown keeps response times alike.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Principal:
    kind: str  # user | api_key | contact (customer portal) | anonymous
    id: str | None
    role: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    via_cookie: bool = False

    @property
    def permissions(self) -> frozenset[str]:
        if self.kind == "user":
            return ROLE_PERMISSIONS.get(self.role or "", frozenset())
        return self.scopes

    def can(self, permission: str) -> bool:
        return allows(self.permissions, permission)


ANONYMOUS = Principal("anonymous", None)


class UserCache:
    """Each token's user, remembered for a few seconds, so that a request does not read the
    users table on top of its own work. This worker forgets a user at once when they are
    changed (`forget`); the other workers see a new role or a disabled account within
    `ttl` seconds. A ttl of 0 reads the table on every request."""

    MAX_ENTRIES = 10_000

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._entries: dict[str, tuple[float, str | None]] = {}  # id -> (until, role)
        self._lock = threading.Lock()

    def role_of(self, user_id: str, load: Callable[[str], User | None]) -> str | None:
        """The user's role, or None when the account is unknown or disabled."""
        moment = self.clock()
        cached = self._entries.get(user_id)
        if cached is not None and cached[0] > moment:
            return cached[1]
        user = load(user_id)
        role = user.role if user is not None and user.active else None
        if self.ttl > 0:
            with self._lock:
                if len(self._entries) >= self.MAX_ENTRIES:
                    self._entries.clear()
                self._entries[user_id] = (moment + self.ttl, role)
        return role

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._entries.pop(user_id, None)


def user_cache() -> UserCache:
    return current_app.extensions["crm.users"]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) \
            and user is not None and user.active
    except (VerificationError, InvalidHashError):
        return False


def issue_token(user: User, ttl: int | None = None) -> tuple[str, int, str]:
    """A signed token for the user: (token, lifetime in seconds, session id)."""
    return _signed({"sub": user.id, "role": user.role},
                   ttl or current_app.config["CRM"].token_ttl_seconds)


def issue_portal_token(contact_id: str, ttl: int | None = None) -> tuple[str, int, str]:
    """A signed customer-portal token for a contact: (token, lifetime, session id). Its
    `kind` claim keeps it from ever being taken for a user's."""
    return _signed({"sub": contact_id, "kind": "contact"},
                   ttl or current_app.config["CRM"].portal_session_seconds)


def _signed(claims: dict[str, str], ttl: int) -> tuple[str, int, str]:
    session_id = uuid.uuid4().hex
    moment = datetime.now(UTC)
    payload = {**claims, "sid": session_id, "iat": moment,
               "exp": moment + timedelta(seconds=ttl)}
    token = jwt.encode(payload, current_app.config["CRM"].secret_key, algorithm="HS256")
    return token, ttl, session_id


def with_session_cookies(response: Response, token: str, ttl: int,
                         session_id: str) -> Response:
    """The browser's session: the token in an httpOnly cookie, and the CSRF token that
    every write must echo in a cookie the page can read."""
    secure = current_app.config["CRM"].secure_cookies
    response.set_cookie(SESSION_COOKIE, token, max_age=ttl, httponly=True, samesite="Lax",
                        secure=secure, path="/")
    response.set_cookie(CSRF_COOKIE, csrf_token(session_id), max_age=ttl, httponly=False,
                        samesite="Lax", secure=secure, path="/")
    return response


def without_session_cookies(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def contact_principal(contact_id: str, via_cookie: bool = False) -> Principal:
    """A contact signed in to the customer portal: the portal permission and nothing else."""
    return Principal("contact", contact_id, scopes=CONTACT_PERMISSIONS, via_cookie=via_cookie)


def csrf_token(session_id: str) -> str:
    key = current_app.config["CRM"].secret_key.encode()
    return hmac.new(key, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def identify() -> Principal:
    """The caller of the current request, or ANONYMOUS; raises Problem on a bad credential."""
    if key := request.headers.get("X-API-Key"):
        return _api_key_principal(key)
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return _token_principal(header[7:].strip(), via_cookie=False)
    if cookie := request.cookies.get(SESSION_COOKIE):
        principal, session_id = _token_principal(cookie, via_cookie=True, with_sid=True)
        if request.method not in SAFE_METHODS:
            _check_csrf(session_id)
        return principal
    return ANONYMOUS


def _token_principal(token: str, via_cookie: bool, with_sid: bool = False):
    try:
        claims = _verified_claims(token, current_app.config["CRM"].secret_key)
        if claims["exp"] <= time.time():  # as PyJWT's own check, on every use
            raise jwt.ExpiredSignatureError
    except jwt.ExpiredSignatureError:
        raise Problem(401, "Token expired", "sign in again") from None
    except jwt.InvalidTokenError:
        raise Problem(401, "Invalid token", "the token is not one this CRM issued") from None
    if claims.get("kind") == "contact":
        principal = contact_principal(claims["sub"], via_cookie)
        return (principal, claims.get("sid", "")) if with_sid else principal
    role = user_cache().role_of(claims["sub"], lambda user_id: db().get(User, user_id))
    if role is None:
        raise Problem(401, "Unknown user", "the account behind this token is disabled")
    principal = Principal("user", claims["sub"], role=role, via_cookie=via_cookie)
    return (principal, claims.get("sid", "")) if with_sid else principal


@functools.lru_cache(maxsize=4096)
def _verified_claims(token: str, secret_key: str) -> dict:
    """A token's claims once its signature is checked, remembered per worker: a client sends
    the same token on every request, and decoding it was a tenth of a write's gateway CPU.
    Only a valid token is remembered (a refused one raises); the clock is the caller's check.
    The dict is shared: read it, never change it."""
    return jwt.decode(token, secret_key, algorithms=["HS256"],
                      options={"require": ["exp", "sub"]})


def _check_csrf(session_id: str) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent, csrf_token(session_id)):
        raise Problem(403, "CSRF check failed",
                      f"send the {CSRF_HEADER} header with the value of the {CSRF_COOKIE} "
                      "cookie")


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, prefix used to look it up, hash of the secret)."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"crm_{prefix}_{secret}", prefix, _digest(secret)


def _digest(secret: str) -> str:
    # Keys are long random strings: a fast hash is enough and keeps each request cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def _api_key_principal(key: str) -> Principal:
    try:
        _, prefix, secret = key.split("_", 2)
    except ValueError:
        raise Problem(401, "Invalid API key", "the key is malformed") from None
    row = db().scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if row is None or row.revoked_at is not None or \
            not hmac.compare_digest(row.secret_hash, _digest(secret)):
        raise Problem(401, "Invalid API key", "the key is unknown or revoked")
    moment = now()
    # A write on every request would serialise an integrator's calls on the database:
    # "last used" to the minute is all an admin needs.
    if row.last_used_at is None or moment - row.last_used_at > LAST_USED_PRECISION:
        row.last_used_at = moment
        db().commit()
    return Principal("api_key", row.id, scopes=frozenset(row.scopes))
