"""Quote lines and totals, and the quote lifecycle.

A line's net is quantity × unit price less its discount, rounded half-up to the currency's
minor unit; its tax is computed on that rounded net and rounded too. The quote's totals add
the rounded line amounts, so the lines on paper always add up to the total on paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sales.domain.money import round_money

HUNDRED = Decimal(100)

# status -> statuses it may go to
QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent", "expired"}),
    "sent": frozenset({"accepted", "rejected", "expired"}),
    "accepted": frozenset(),
    "rejected": frozenset(),
    "expired": frozenset(),
}
QUOTE_STATUSES = tuple(QUOTE_TRANSITIONS)


class TransitionRefused(ValueError):
    """A lifecycle step that the current status does not allow."""


def check_quote_transition(current: str, target: str) -> None:
    if target not in QUOTE_TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(f"a {current} quote cannot become {target}")


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class LineAmounts:
    gross_amount: Decimal      # quantity × unit price, rounded
    discount_amount: Decimal   # gross less net
    net_amount: Decimal
    tax_amount: Decimal
    total_amount: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    tax_total: Decimal
    total: Decimal


def line_amounts(line: Line, currency: str) -> LineAmounts:
    if line.quantity <= 0:
        raise ValueError("a quantity is more than zero")
    if line.unit_price < 0:
        raise ValueError("a unit price is not negative")
    if not Decimal(0) <= line.discount_percent <= HUNDRED:
        raise ValueError("a discount is between 0 and 100 percent")
    if not Decimal(0) <= line.tax_rate <= HUNDRED:
        raise ValueError("a tax rate is between 0 and 100 percent")
    exact = line.quantity * line.unit_price
    gross = round_money(exact, currency)
    net = round_money(exact * (HUNDRED - line.discount_percent) / HUNDRED, currency)
    tax = round_money(net * line.tax_rate / HUNDRED, currency)
    return LineAmounts(gross, gross - net, net, tax, net + tax)


def quote_totals(lines: list[Line], currency: str) -> Totals:
    amounts = [line_amounts(line, currency) for line in lines]
    zero = round_money(Decimal(0), currency)
    subtotal = sum((a.gross_amount for a in amounts), zero)
    net = sum((a.net_amount for a in amounts), zero)
    tax = sum((a.tax_amount for a in amounts), zero)
    return Totals(subtotal, subtotal - net, net, tax, net + tax)
