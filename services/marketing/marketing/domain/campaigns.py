"""A campaign's lifecycle and how its mails are paced and retried."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

DRAFT, SCHEDULED, SENDING, SENT, CANCELLED = "draft", "scheduled", "sending", "sent", "cancelled"
# The mails of one step of a nurturing scenario: sent one by one as contacts reach it.
AUTOMATED = "automated"
STATUSES = (DRAFT, SCHEDULED, SENDING, SENT, CANCELLED, AUTOMATED)
EDITABLE = (DRAFT, SCHEDULED)

# Recipient states.
PENDING, CLAIMED, DELIVERED, FAILED, DROPPED = "pending", "sending", "sent", "failed", "cancelled"


@dataclass(frozen=True)
class SendSettings:
    """How fast and how stubbornly mails go out, from the environment."""

    enabled: bool = True
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "marketing@crm.local"
    public_url: str = "http://127.0.0.1:8000"
    rate_per_second: float = 50.0  # per replica
    tick_seconds: float = 1.0
    lease_seconds: float = 60.0
    max_attempts: int = 5
    retry_seconds: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SendSettings:
        env = os.environ if env is None else env
        return cls(
            enabled=(env.get("CRM_MARKETING_SENDING") or "1").strip().lower()
            not in {"0", "false", "no", "off"},
            smtp_url=env.get("CRM_SMTP_URL") or cls.smtp_url,
            mail_from=env.get("CRM_MARKETING_MAIL_FROM") or env.get("CRM_MAIL_FROM")
            or cls.mail_from,
            public_url=(env.get("CRM_PUBLIC_URL") or cls.public_url).rstrip("/"),
            rate_per_second=float(env.get("CRM_MARKETING_SEND_RATE") or 50),
            tick_seconds=float(env.get("CRM_MARKETING_SEND_TICK_SECONDS") or 1),
            lease_seconds=float(env.get("CRM_MARKETING_SEND_LEASE_SECONDS") or 60),
            max_attempts=int(env.get("CRM_MARKETING_SEND_ATTEMPTS") or 5),
            retry_seconds=float(env.get("CRM_MARKETING_SEND_RETRY_SECONDS") or 30),
        )

    @property
    def batch(self) -> int:
        """Mails one replica claims per tick: the rate, spread over the tick."""
        return max(1, int(self.rate_per_second * self.tick_seconds))

    @property
    def pause(self) -> float:
        return 1.0 / self.rate_per_second if self.rate_per_second > 0 else 0.0


def retry_after(settings: SendSettings, attempts: int) -> timedelta:
    """Exponential back-off: 30 s, 1 min, 2 min... capped at an hour."""
    return timedelta(seconds=min(settings.retry_seconds * 2 ** max(attempts - 1, 0), 3600))


def can_send(status: str) -> bool:
    return status in EDITABLE
