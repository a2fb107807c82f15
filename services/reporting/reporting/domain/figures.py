"""Small arithmetic shared by every KPI: money per currency, rates, averages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from statistics import median
from typing import Any


def money(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, str]:
    """Sum (currency, decimal string) pairs into {currency: decimal string}, sorted."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in pairs:
        if currency and amount is not None:
            totals[currency] += Decimal(amount)
    return {currency: str(totals[currency].quantize(Decimal("0.01")))
            for currency in sorted(totals)}


def rate(part: int, whole: int) -> float | None:
    """A share in percent with one decimal, or None when there is nothing to divide."""
    return round(100.0 * part / whole, 1) if whole else None


def average(values: Iterable[float | int | None], digits: int = 1) -> float | None:
    known = [float(value) for value in values if value is not None]
    return round(sum(known) / len(known), digits) if known else None


def middle(values: Iterable[float | int | None], digits: int = 1) -> float | None:
    known = [float(value) for value in values if value is not None]
    return round(median(known), digits) if known else None


def hours_between(start, end) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600.0


def change(value: Any, previous: Any) -> float | None:
    """The change from the previous period in percent, for plain numbers only."""
    if not isinstance(value, int | float) or not isinstance(previous, int | float):
        return None
    if previous == 0:
        return None
    return round(100.0 * (value - previous) / abs(previous), 1)
