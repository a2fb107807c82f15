"""Business time: minutes counted only inside a calendar's weekly opening hours, in the
calendar's own time zone, skipping its holidays.

Opening hours are wall-clock times of the zone: on a daylight-saving change day the
interval 09:00-18:00 is still nine hours of business, and its UTC bounds move with the
zone's offset. Everything here is pure: datetimes in, datetimes or minutes out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead a due time is looked for: a calendar with no hours has no due time.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Calendar:
    timezone: str = "UTC"
    # weekday index (0 = Monday) -> ordered, non-overlapping (start, end) wall-clock times
    hours: dict[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_data(cls, timezone: str, hours: dict[str, list[list[str]]],
                  holidays: list[str] | None = None) -> Calendar:
        """From the stored / wire form: `{"mon": [["09:00", "18:00"]], ...}`."""
        parsed = {}
        for name, spans in (hours or {}).items():
            parsed[WEEKDAYS.index(name)] = tuple(sorted(
                (time.fromisoformat(start), time.fromisoformat(end)) for start, end in spans))
        return cls(timezone, parsed, frozenset(date.fromisoformat(d) for d in holidays or []))


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        return False
    return True


def check_hours(hours: dict[str, list[list[str]]]) -> str | None:
    """The problem with a weekly-hours object, or None when it is sound."""
    for name, spans in hours.items():
        if name not in WEEKDAYS:
            return f"{name!r} is not a weekday ({', '.join(WEEKDAYS)})"
        try:
            bounds = sorted((time.fromisoformat(s), time.fromisoformat(e)) for s, e in spans)
        except (ValueError, TypeError):
            return f"{name}: spans are [\"HH:MM\", \"HH:MM\"] pairs"
        for index, (start, end) in enumerate(bounds):
            if start >= end:
                return f"{name}: {start:%H:%M} is not before {end:%H:%M}"
            if index and bounds[index - 1][1] > start:
                return f"{name}: spans overlap"
    return None


def _spans(calendar: Calendar, start: datetime, end: datetime | None
           ) -> Iterator[tuple[datetime, datetime]]:
    """Opening spans in UTC, in order, from the local day of `start` (to `end`, if given)."""
    zone = calendar.zone
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date() if end is not None else day + timedelta(days=MAX_DAYS)
    while day <= last:
        if day not in calendar.holidays:
            for opens, closes in calendar.hours.get(day.weekday(), ()):
                yield (datetime.combine(day, opens, zone).astimezone(UTC),
                       datetime.combine(day, closes, zone).astimezone(UTC))
        day += timedelta(days=1)


def business_minutes(calendar: Calendar, start: datetime, end: datetime) -> float:
    """Business minutes between two instants (0 when end is not after start)."""
    if end <= start:
        return 0.0
    total = 0.0
    for opens, closes in _spans(calendar, start, end):
        low, high = max(opens, start), min(closes, end)
        if high > low:
            total += (high - low).total_seconds() / 60
    return total


def add_business_minutes(calendar: Calendar, start: datetime, minutes: float) -> datetime | None:
    """The instant at which `minutes` business minutes after `start` have passed; None
    when the calendar opens too rarely to get there within MAX_DAYS."""
    remaining = max(0.0, minutes)
    for opens, closes in _spans(calendar, start, None):
        low = max(opens, start)
        if closes <= low:
            continue
        available = (closes - low).total_seconds() / 60
        if remaining <= available:
            return low + timedelta(minutes=remaining)
        remaining -= available
    return None
