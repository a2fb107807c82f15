"""When the follow-up rules fire, and under which key each is scheduled exactly once."""

from __future__ import annotations

import calendar
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

QUOTE_FOLLOW_UP = "quote_follow_up"
RENEWAL = "renewal"
STAGNANT = "stagnant"
QUOTE_EXPIRY = "quote_expiry"
KINDS = (QUOTE_FOLLOW_UP, RENEWAL, STAGNANT, QUOTE_EXPIRY)


@dataclass(frozen=True)
class FollowUpSettings:
    quote_follow_up_days: float = 7.0
    renewal_after_months: int = 3
    enabled: bool = True
    tick_seconds: float = 5.0
    lease_seconds: float = 60.0
    max_attempts: int = 5
    batch: int = 20

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> FollowUpSettings:
        env = os.environ if env is None else env
        return cls(
            quote_follow_up_days=float(env.get("CRM_SALES_QUOTE_FOLLOW_UP_DAYS") or 7),
            renewal_after_months=int(env.get("CRM_SALES_RENEWAL_AFTER_MONTHS") or 3),
            enabled=(env.get("CRM_SALES_FOLLOW_UPS") or "1").strip().lower()
            not in {"0", "false", "no", "off"},
            tick_seconds=float(env.get("CRM_SALES_FOLLOW_UP_TICK_SECONDS") or 5),
            lease_seconds=float(env.get("CRM_SALES_FOLLOW_UP_LEASE_SECONDS") or 60),
        )


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def quote_follow_up(quote_id: str, sent_at: datetime,
                    settings: FollowUpSettings) -> tuple[str, datetime]:
    """(key, due) of the reminder for a sent quote; a quote is sent once, hence one key."""
    return (f"{QUOTE_FOLLOW_UP}:{quote_id}",
            sent_at + timedelta(days=settings.quote_follow_up_days))


def renewal(opportunity_id: str, won_at: datetime,
            settings: FollowUpSettings) -> tuple[str, datetime]:
    """A deal reopened and won again is a new win: the key carries the moment of the win."""
    return (f"{RENEWAL}:{opportunity_id}:{won_at.isoformat()}",
            add_months(won_at, settings.renewal_after_months))


def quote_expiry(quote_id: str, valid_until: date | None) -> tuple[str, datetime] | None:
    """A sent quote still unanswered after its last valid day (UTC) expires by itself."""
    if valid_until is None:
        return None
    return (f"{QUOTE_EXPIRY}:{quote_id}",
            datetime.combine(valid_until + timedelta(days=1), time.min, tzinfo=UTC))


def stagnation(opportunity_id: str, stay_id: str, entered_at: datetime,
               time_limit_days: int | None) -> tuple[str, datetime] | None:
    """Once per stay in a stage (a stay is one stage-history row); none without a limit."""
    if not time_limit_days:
        return None
    return f"{STAGNANT}:{opportunity_id}:{stay_id}", entered_at + timedelta(days=time_limit_days)


def follow_up_subject(kind: str, about: str) -> str:
    if kind == QUOTE_FOLLOW_UP:
        return f"Follow up on quote {about}: sent, no answer yet"
    return f"Renewal: {about}"
