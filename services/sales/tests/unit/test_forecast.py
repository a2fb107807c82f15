"""The forecast groups open deals by period, owner, stage and currency, never mixing them."""

from datetime import date
from decimal import Decimal

import pytest

from sales.domain.forecast import Deal, forecast, period_of


def deal(owner, stage, position, currency, amount, probability, close):
    return Deal(owner_id=owner, pipeline_id="p", stage_id=stage, stage_name=stage.title(),
                stage_position=position, currency=currency, amount=Decimal(amount),
                probability=probability, expected_close_date=close)


def test_periods():
    assert period_of(date(2026, 11, 26), "month") == "2026-11"
    assert period_of(date(2026, 11, 26), "quarter") == "2026-Q4"
    assert period_of(date(2027, 1, 1), "quarter") == "2027-Q1"
    assert period_of(None, "month") is None


def test_grouping_and_weighting():
    deals = [
        deal("ann", "proposal", 2, "EUR", "1000.00", 50, date(2026, 11, 3)),
        deal("ann", "proposal", 2, "EUR", "500.00", 50, date(2026, 11, 20)),
        deal("ann", "proposal", 2, "USD", "300.00", 50, date(2026, 11, 20)),
        deal("bob", "qualify", 0, "EUR", "100.00", 10, date(2026, 12, 1)),
        deal("bob", "qualify", 0, "EUR", "100.00", 10, None),
    ]
    result = forecast(deals, "month")
    rows = [(r["period"], r["owner_id"], r["stage_id"], r["currency"], r["count"], r["amount"],
             r["weighted_amount"]) for r in result["rows"]]
    assert rows == [
        ("2026-11", "ann", "proposal", "EUR", 2, "1500.00", "750.00"),
        ("2026-11", "ann", "proposal", "USD", 1, "300.00", "150.00"),
        ("2026-12", "bob", "qualify", "EUR", 1, "100.00", "10.00"),
        (None, "bob", "qualify", "EUR", 1, "100.00", "10.00"),
    ]
    totals = [(t["period"], t["currency"], t["amount"]) for t in result["totals"]]
    assert totals == [("2026-11", "EUR", "1500.00"), ("2026-11", "USD", "300.00"),
                      ("2026-12", "EUR", "100.00"), (None, "EUR", "100.00")]
    quarters = forecast(deals, "quarter")
    assert {t["period"] for t in quarters["totals"]} == {"2026-Q4", None}


def test_unknown_period():
    with pytest.raises(ValueError):
        forecast([], "week")
