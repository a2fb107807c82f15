"""CSAT survey tokens: `<ticket id>.<expiry, epoch seconds>.<HMAC-SHA256 hex>`.

The link needs no login, so the token carries its own proof: forging one needs the
secret, and changing the ticket or the expiry breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

RATINGS = range(1, 6)


class ForgedToken(ValueError):
    """Malformed, or not signed with our secret."""


class ExpiredToken(ValueError):
    """Genuine but past its expiry."""


@dataclass(frozen=True)
class SurveyToken:
    ticket_id: str
    expires_at: datetime


def _signature(secret: str, ticket_id: str, expiry: int) -> str:
    message = f"survey:{ticket_id}:{expiry}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue(secret: str, ticket_id: str, now: datetime, valid_for: timedelta) -> str:
    expiry = int((now + valid_for).timestamp())
    return f"{ticket_id}.{expiry}.{_signature(secret, ticket_id, expiry)}"


def verify(secret: str, token: str, now: datetime) -> SurveyToken:
    """The token's ticket and expiry, or ForgedToken / ExpiredToken."""
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 12:
        raise ForgedToken("not a survey token")
    ticket_id, expiry_text, signature = parts
    expiry = int(expiry_text)
    if not hmac.compare_digest(signature, _signature(secret, ticket_id, expiry)):
        raise ForgedToken("the survey token's signature does not match")
    expires_at = datetime.fromtimestamp(expiry, UTC)
    if expires_at <= now:
        raise ExpiredToken("the survey link has expired")
    return SurveyToken(ticket_id, expires_at)
