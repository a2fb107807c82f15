"""Quote totals: Decimal, rounded half-up to the currency's minor unit, lines add up."""

from decimal import Decimal

import pytest

from sales.domain.money import UnknownCurrency, money_str, price_str, round_money
from sales.domain.quotes import (
    Line,
    TransitionRefused,
    check_quote_transition,
    line_amounts,
    quote_totals,
)

D = Decimal


def test_half_up_to_each_currency_minor_unit():
    assert round_money(D("2.675"), "EUR") == D("2.68")  # a float would say 2.67
    assert round_money(D("2.665"), "EUR") == D("2.67")  # not banker's rounding
    assert round_money(D("1.5"), "JPY") == D("2")
    assert round_money(D("0.0005"), "KWD") == D("0.001")
    assert money_str(D("10"), "EUR") == "10.00"
    with pytest.raises(UnknownCurrency):
        round_money(D(1), "XYZ")


def test_a_line_discounts_then_taxes_its_rounded_net():
    amounts = line_amounts(Line(D("3"), D("19.99"), D("12.5"), D("20")), "EUR")
    # 59.97 less 12.5 % = 52.47375 -> 52.47; tax 20 % of 52.47 = 10.494 -> 10.49
    assert (amounts.gross_amount, amounts.net_amount) == (D("59.97"), D("52.47"))
    assert (amounts.tax_amount, amounts.total_amount) == (D("10.49"), D("62.96"))
    assert amounts.discount_amount == D("7.50")


def test_totals_add_the_rounded_lines():
    lines = [Line(D("1"), D("0.125"), tax_rate=D("10")), Line(D("1"), D("0.125"),
                                                               tax_rate=D("10"))]
    totals = quote_totals(lines, "EUR")
    # each line 0.13 (+0.01 tax): on paper the lines add up to the total
    assert totals.net_total == D("0.26")
    assert totals.tax_total == D("0.02")
    assert totals.total == D("0.28")
    assert totals.subtotal == D("0.26") and totals.discount_total == D("0.00")


def test_zero_decimal_currency_and_empty_quote():
    assert quote_totals([Line(D("3"), D("333.5"))], "JPY").total == D("1001")
    assert quote_totals([], "USD").total == D("0.00")


@pytest.mark.parametrize("line, message", [
    (Line(D("0"), D("1")), "quantity"),
    (Line(D("-1"), D("1")), "quantity"),
    (Line(D("1"), D("-1")), "unit price"),
    (Line(D("1"), D("1"), discount_percent=D("101")), "discount"),
    (Line(D("1"), D("1"), tax_rate=D("-1")), "tax"),
])
def test_bad_lines_are_refused(line, message):
    with pytest.raises(ValueError, match=message):
        line_amounts(line, "EUR")


@pytest.mark.parametrize("current, target", [
    ("draft", "sent"), ("draft", "expired"), ("sent", "accepted"), ("sent", "rejected"),
    ("sent", "expired")])
def test_allowed_quote_transitions(current, target):
    check_quote_transition(current, target)


@pytest.mark.parametrize("current, target", [
    ("draft", "accepted"), ("accepted", "rejected"), ("expired", "accepted"),
    ("rejected", "sent"), ("accepted", "draft")])
def test_refused_quote_transitions(current, target):
    with pytest.raises(TransitionRefused):
        check_quote_transition(current, target)


def test_unit_prices_keep_their_finer_digits():
    assert price_str(D("18"), "EUR") == "18.00"
    assert price_str(D("0.1250"), "EUR") == "0.125"
    assert price_str(D("500"), "JPY") == "500"
