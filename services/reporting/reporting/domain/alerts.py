"""Configurable KPI alerts: when a KPI crosses its threshold, and when it comes back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alert:
    name: str
    kpi: str
    threshold: float
    direction: str  # "below": alert when the value falls under; "above": when it exceeds
    period: str = "last_30_days"

    def breached_by(self, value: float) -> bool:
        return value < self.threshold if self.direction == "below" else value > self.threshold


def crossing(alert: Alert, value: float | None, was_breached: bool) -> str | None:
    """"breached" or "recovered" when the value crossed the threshold since the last
    check, None otherwise (also when there is no value: nothing to judge on)."""
    if value is None:
        return None
    breached = alert.breached_by(value)
    if breached == was_breached:
        return None
    return "breached" if breached else "recovered"
