"""When the follow-up rules fire, with which key, and from which configuration."""

from datetime import UTC, date, datetime, timedelta

from sales.domain import follow_ups as rules
from sales.domain.follow_ups import FollowUpSettings, add_months

WON_AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_defaults_and_environment():
    assert FollowUpSettings.from_env({}).quote_follow_up_days == 7
    assert FollowUpSettings.from_env({}).renewal_after_months == 3
    custom = FollowUpSettings.from_env({"CRM_SALES_QUOTE_FOLLOW_UP_DAYS": "0.5",
                                        "CRM_SALES_RENEWAL_AFTER_MONTHS": "12",
                                        "CRM_SALES_FOLLOW_UPS": "off"})
    assert (custom.quote_follow_up_days, custom.renewal_after_months, custom.enabled) == \
        (0.5, 12, False)


def test_add_months_keeps_the_day_or_takes_the_last():
    assert add_months(WON_AT, 3) == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 3) == datetime(2028, 2, 29,
                                                                            tzinfo=UTC)
    assert add_months(datetime(2026, 1, 15, tzinfo=UTC), 12) == datetime(2027, 1, 15,
                                                                             tzinfo=UTC)


def test_quote_follow_up_a_week_after_sending():
    key, due = rules.quote_follow_up("q1", WON_AT, FollowUpSettings())
    assert key == "quote_follow_up:q1" and due == WON_AT + timedelta(days=7)


def test_renewal_keyed_by_the_win():
    key, due = rules.renewal("o1", WON_AT, FollowUpSettings())
    again, _ = rules.renewal("o1", WON_AT + timedelta(days=40), FollowUpSettings())
    assert key != again and due == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)


def test_stagnation_once_per_stay_and_only_with_a_limit():
    assert rules.stagnation("o1", "stay-1", WON_AT, None) is None
    key, due = rules.stagnation("o1", "stay-1", WON_AT, 14)
    assert key == "stagnant:o1:stay-1" and due == WON_AT + timedelta(days=14)


def test_a_quote_expires_the_day_after_its_last_valid_day():
    assert rules.quote_expiry("q1", None) is None
    key, due = rules.quote_expiry("q1", date(2026, 12, 31))
    assert key == "quote_expiry:q1" and due == datetime(2027, 1, 1, tzinfo=UTC)
