"""SLA clocks: which policy applies, when each target is due, how much time is left.

A ticket's clock starts when it is created and counts business minutes of the policy's
calendar. While the ticket is pending (waiting on the customer) the clock is paused: the
business minutes spent paused are added up and pushed the due times back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from support.domain.business_time import Calendar, add_business_minutes, business_minutes

PRIORITIES = ("low", "normal", "high", "urgent")
TIERS = ("default", "vip")
FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"
TARGETS = (FIRST_RESPONSE, RESOLUTION)

# What a new install starts with: (first response, resolution) in business minutes.
DEFAULT_TARGETS = {
    ("low", "default"): (8 * 60, 5 * 9 * 60), ("normal", "default"): (4 * 60, 3 * 9 * 60),
    ("high", "default"): (2 * 60, 9 * 60), ("urgent", "default"): (60, 4 * 60),
    ("low", "vip"): (4 * 60, 3 * 9 * 60), ("normal", "vip"): (2 * 60, 2 * 9 * 60),
    ("high", "vip"): (60, 6 * 60), ("urgent", "vip"): (30, 2 * 60),
}


def tier_of(account_tier: str | None) -> str:
    """A VIP account gets the VIP policies; every other tier the default ones."""
    return "vip" if account_tier == "vip" else "default"


def select_policy(policies: list, priority: str, tier: str):
    """The policy for this priority and tier, falling back to the default tier's."""
    by_key = {(p.priority, p.tier): p for p in policies}
    return by_key.get((priority, tier)) or by_key.get((priority, "default"))


def raised(priority: str) -> str:
    """One priority step up (urgent stays urgent): the escalation of a breach."""
    return PRIORITIES[min(PRIORITIES.index(priority) + 1, len(PRIORITIES) - 1)]


@dataclass(frozen=True)
class Clock:
    """A ticket's SLA clock, as stored on the ticket."""

    calendar: Calendar
    started_at: datetime
    paused_minutes: float = 0.0
    paused_since: datetime | None = None

    def elapsed(self, moment: datetime) -> float:
        spent = business_minutes(self.calendar, self.started_at, moment) - self.paused_minutes
        if self.paused_since is not None:
            spent -= business_minutes(self.calendar, self.paused_since, moment)
        return max(0.0, spent)

    def due_at(self, target_minutes: int, moment: datetime) -> datetime | None:
        """When the target runs out; while paused, when it would if resumed at `moment`."""
        if self.paused_since is not None:
            left = target_minutes - self.elapsed(moment)
            return add_business_minutes(self.calendar, moment, max(0.0, left))
        return add_business_minutes(self.calendar, self.started_at,
                                    target_minutes + self.paused_minutes)

    def pause(self, moment: datetime) -> Clock:
        if self.paused_since is not None:
            return self
        return Clock(self.calendar, self.started_at, self.paused_minutes, moment)

    def resume(self, moment: datetime) -> Clock:
        if self.paused_since is None:
            return self
        paused = business_minutes(self.calendar, self.paused_since, moment)
        return Clock(self.calendar, self.started_at, self.paused_minutes + paused, None)


def target_state(clock: Clock, target_minutes: int | None, moment: datetime,
                 met_at: datetime | None, met_elapsed: float | None,
                 breached_at: datetime | None) -> dict:
    """One target as every ticket read shows it; a met target keeps the business minutes
    it took (`met_elapsed`), later pauses do not change it."""
    if target_minutes is None:
        return {"target_minutes": None, "due_at": None, "elapsed_minutes": None,
                "remaining_minutes": None, "breached": False, "met_at": None,
                "status": "none"}
    elapsed = met_elapsed if met_at is not None and met_elapsed is not None \
        else clock.elapsed(moment)
    breached = breached_at is not None or elapsed > target_minutes
    if met_at is not None:
        status = "breached" if breached else "met"
    elif breached:
        status = "breached"
    else:
        status = "paused" if clock.paused_since is not None else "running"
    return {"target_minutes": target_minutes,
            "due_at": None if met_at is not None else clock.due_at(target_minutes, moment),
            "elapsed_minutes": round(elapsed, 1),
            "remaining_minutes": round(target_minutes - elapsed, 1),
            "breached": breached, "met_at": met_at, "status": status}
