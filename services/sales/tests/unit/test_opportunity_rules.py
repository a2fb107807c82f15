"""Probability defaults, the open / won / lost lifecycle, weighted amounts."""

from decimal import Decimal

import pytest

from sales.domain.opportunities import (
    DealClosed,
    check_movable,
    check_status_transition,
    effective_probability,
    weighted_amount,
)


def test_probability_is_the_stage_default_unless_overridden():
    assert effective_probability("open", 25, None) == 25
    assert effective_probability("open", 25, 40) == 40
    assert effective_probability("open", 25, 0) == 0


def test_closed_deals_are_certain_either_way():
    assert effective_probability("won", 25, 40) == 100
    assert effective_probability("lost", 25, 40) == 0


def test_weighted_amount_is_rounded_to_the_currency():
    assert weighted_amount(Decimal("999.99"), 33, "EUR") == Decimal("330.00")
    assert weighted_amount(Decimal("1001"), 50, "JPY") == Decimal("501")


def test_a_closed_deal_moves_only_after_reopening():
    check_movable("open")
    with pytest.raises(DealClosed, match="reopen"):
        check_movable("won")
    check_status_transition("won", "open")
    with pytest.raises(DealClosed):
        check_status_transition("won", "lost")
    with pytest.raises(DealClosed):
        check_status_transition("open", "open")
