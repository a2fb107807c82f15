"""Reporting periods: a calendar week, month, quarter or year, or the last N days, each
with the period before it of the same length for comparison."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

CALENDAR = ("day", "week", "month", "quarter", "year")
ROLLING = {"last_7_days": 7, "last_30_days": 30, "last_90_days": 90, "last_365_days": 365}
PERIODS = CALENDAR + tuple(ROLLING)


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime  # inclusive
    end: datetime  # exclusive

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def previous(self) -> Period:
        if self.kind in ROLLING or self.kind in ("day", "week"):
            length = self.end - self.start
            return Period(self.kind, self.start - length, self.start)
        return period_of(self.kind, (self.start - timedelta(days=1)).date())

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "from": self.start.isoformat(), "to": self.end.isoformat()}


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _month_start(year: int, month: int) -> date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def period_of(kind: str, on: date) -> Period:
    """The period of `kind` that holds the day `on` (rolling: the N days ending with it)."""
    if kind in ROLLING:
        end = midnight(on + timedelta(days=1))
        return Period(kind, end - timedelta(days=ROLLING[kind]), end)
    if kind == "day":
        first, last = on, on + timedelta(days=1)
    elif kind == "week":
        first = on - timedelta(days=on.weekday())
        last = first + timedelta(days=7)
    elif kind == "month":
        first, last = on.replace(day=1), _month_start(on.year, on.month + 1)
    elif kind == "quarter":
        month = 3 * ((on.month - 1) // 3) + 1
        first, last = date(on.year, month, 1), _month_start(on.year, month + 3)
    elif kind == "year":
        first, last = date(on.year, 1, 1), date(on.year + 1, 1, 1)
    else:
        raise ValueError(f"unknown period {kind!r}")
    return Period(kind, midnight(first), midnight(last))
