"""Deal rules: probability, weighted amount, the open / won / lost lifecycle, time in stage."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sales.domain.money import round_money

OPEN, WON, LOST = "open", "won", "lost"
STATUSES = (OPEN, WON, LOST)

_STATUS_TRANSITIONS = {OPEN: {WON, LOST}, WON: {OPEN}, LOST: {OPEN}}


class DealClosed(ValueError):
    """A won or lost deal is changed as if it were open: it must be reopened first."""


def check_status_transition(current: str, target: str) -> None:
    if target not in _STATUS_TRANSITIONS[current]:
        raise DealClosed(f"a {current} opportunity cannot become {target}")


def check_movable(status: str) -> None:
    if status != OPEN:
        raise DealClosed(f"a {status} opportunity cannot change stage: reopen it first")


def effective_probability(status: str, stage_default: int, override: int | None) -> int:
    """Won is certain and lost is nothing; an open deal has its override, else the stage's."""
    if status == WON:
        return 100
    if status == LOST:
        return 0
    return stage_default if override is None else override


def weighted_amount(amount: Decimal, probability: int, currency: str) -> Decimal:
    return round_money(amount * Decimal(probability) / Decimal(100), currency)


def seconds_between(start: datetime | None, end: datetime) -> int | None:
    return None if start is None else max(0, int((end - start).total_seconds()))
