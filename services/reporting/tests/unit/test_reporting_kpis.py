"""The KPI rules on plain objects: periods, money, rates, churn and upsell reasons."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace as Row

import pytest

from reporting.domain import adoption, customers, sales, support
from reporting.domain.figures import change, money, rate
from reporting.domain.periods import period_of

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def t(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "on", "start", "end", "previous_start"), [
    ("month", date(2026, 11, 26), "2026-11-01", "2026-12-01", "2026-10-01"),
    ("month", date(2026, 3, 31), "2026-03-01", "2026-04-01", "2026-02-01"),
    ("quarter", date(2026, 11, 26), "2026-10-01", "2027-01-01", "2026-07-01"),
    ("quarter", date(2026, 2, 1), "2026-01-01", "2026-04-01", "2025-10-01"),
    ("year", date(2026, 11, 26), "2026-01-01", "2027-01-01", "2025-01-01"),
    ("week", date(2026, 11, 26), "2026-11-23", "2026-11-30", "2026-11-16"),
    ("day", date(2026, 11, 26), "2026-11-26", "2026-11-27", "2026-11-25"),
    ("last_30_days", date(2026, 11, 26), "2026-10-28", "2026-11-27", "2026-09-28"),
])
def test_periods_and_the_one_before(kind, on, start, end, previous_start):
    period = period_of(kind, on)
    assert period.start.date().isoformat() == start and period.end.date().isoformat() == end
    previous = period.previous()
    assert previous.start.date().isoformat() == previous_start
    assert previous.end == period.start


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError):
        period_of("fortnight", date(2026, 1, 1))


def test_money_is_summed_per_currency_as_decimal_strings():
    assert money([("EUR", "0.10"), ("EUR", "0.20"), ("USD", "5"), (None, "1")]) == {
        "EUR": "0.30", "USD": "5.00"}


def test_rates_and_changes_handle_nothing_to_divide():
    assert rate(1, 3) == 33.3 and rate(0, 0) is None
    assert change(15, 10) == 50.0 and change(5, 0) is None and change({"EUR": "1"}, {}) is None


def deal(**fields):
    base = {"id": "d", "status": "open", "deleted_at": None, "currency": "EUR",
            "amount": "100", "weighted_amount": "10", "created_at": t(1), "closed_at": None,
            "stage_id": "s1", "stage_name": "Qualify", "pipeline_id": "p",
            "pipeline_name": "Sales", "owner_id": "ann", "expected_close_date": None}
    return Row(**{**base, **fields})


def test_win_rate_and_cycle_count_only_deals_closed_in_the_period():
    november = period_of("month", date(2026, 11, 1))
    deals = [deal(id="w", status="won", closed_at=t(11)),
             deal(id="l", status="lost", closed_at=t(12)),
             deal(id="old", status="won", closed_at=t(1) - timedelta(days=40)),
             deal(id="gone", status="won", closed_at=t(11), deleted_at=t(12))]
    assert sales.win_rate(deals, november)["win_rate"] == 50.0
    assert sales.cycle_length_days(deals, november) == 10.0


def test_forecast_weights_open_deals_expected_in_the_period():
    november = period_of("month", date(2026, 11, 1))
    deals = [deal(expected_close_date=date(2026, 11, 30)),
             deal(expected_close_date=date(2026, 12, 1)),
             deal(status="won", closed_at=t(3), amount="50")]
    result = sales.forecast(deals, november)
    assert result["weighted_open"] == {"EUR": "10.00"} and result["won"] == {"EUR": "50.00"}


def test_sla_compliance_counts_decided_tickets_only():
    november = period_of("month", date(2026, 11, 1))
    base = {"status": "open", "created_at": t(2), "sla_policy_id": "p",
            "first_response_breached": False, "resolution_breached": False, "solved_at": None}
    tickets = [Row(**base), Row(**{**base, "solved_at": t(3), "status": "solved"}),
               Row(**{**base, "resolution_breached": True}),
               Row(**{**base, "sla_policy_id": None, "resolution_breached": True})]
    assert support.sla_compliance(tickets, november) == {
        "decided": 2, "met": 1, "breached": 1, "compliance_rate": 50.0}


def test_backlog_ages_open_tickets_only():
    tickets = [Row(status="open", created_at=NOW - timedelta(days=10), priority="high"),
               Row(status="pending", created_at=NOW - timedelta(hours=2), priority="low"),
               Row(status="solved", created_at=NOW - timedelta(days=30), priority="low")]
    result = support.backlog(tickets, NOW)
    assert result["open"] == 2 and result["older_than_7_days"] == 1
    assert result["age_hours_max"] == 240.0


def test_churn_risk_names_each_reason():
    rules = customers.ChurnRules(no_order_days=90, low_csat=3.0)
    activity = [Row(created_at=NOW - timedelta(days=40 + n), completed_at=None)
                for n in range(4)]
    risk = customers.churn_risk(
        orders=[Row(ordered_at=NOW - timedelta(days=120), total="10", currency="EUR")],
        activities=activity,
        tickets=[Row(status="open", priority="urgent")],
        ratings=[Row(rating=1, submitted_at=NOW - timedelta(days=3))], now=NOW, rules=rules)
    assert [reason["code"] for reason in risk["reasons"]] == [
        "falling_activity", "open_urgent_tickets", "low_csat", "no_recent_order"]
    assert risk["score"] == 100
    calm = customers.churn_risk(orders=[], activities=[], tickets=[], ratings=[], now=NOW,
                                rules=rules)
    assert calm == {"score": 0, "reasons": []}


def test_upsell_signals_name_each_reason():
    signals = customers.upsell_signals(
        orders=[Row(ordered_at=NOW - timedelta(days=10), total="300"),
                Row(ordered_at=NOW - timedelta(days=120), total="100")],
        ratings=[Row(rating=5, submitted_at=NOW - timedelta(days=1))] * 2,
        flags=[Row()], now=NOW)
    assert [r["code"] for r in signals["reasons"]] == [
        "flagged_by_support", "very_satisfied", "growing_orders"]


def test_records_created_per_user():
    november = period_of("month", date(2026, 11, 1))
    contacts = [Row(created_at=t(2), created_by="ann"), Row(created_at=t(3), created_by=None)]
    deals = [Row(created_at=t(4), created_by="ann"), Row(created_at=t(5), created_by="bob")]
    assert adoption.records_created({"contacts": contacts, "opportunities": deals},
                                    november) == [
        {"user_id": "ann", "contacts": 1, "opportunities": 1, "total": 2},
        {"user_id": "bob", "contacts": 0, "opportunities": 1, "total": 1}]
