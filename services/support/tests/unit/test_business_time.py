"""Business minutes on a calendar: weekends, holidays, midnight, pauses and DST."""

from datetime import UTC, date, datetime, time

import pytest

from support.domain.business_time import (
    Calendar,
    add_business_minutes,
    business_minutes,
    check_hours,
    valid_timezone,
)
from support.domain.sla import Clock

WEEKDAYS = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
UTC_OFFICE = Calendar.from_data("UTC", WEEKDAYS)
PARIS = Calendar.from_data("Europe/Paris", WEEKDAYS)


def at(*parts, tz=UTC):
    return datetime(*parts, tzinfo=tz)


def test_minutes_inside_one_day():
    # Thursday 26 November 2026
    assert business_minutes(UTC_OFFICE, at(2026, 11, 26, 10), at(2026, 11, 26, 11, 30)) == 90


def test_nights_and_weekends_do_not_count():
    friday_five, monday_ten = at(2026, 11, 27, 17), at(2026, 11, 30, 10)
    assert business_minutes(UTC_OFFICE, friday_five, monday_ten) == 120


def test_a_due_time_skips_the_weekend():
    due = add_business_minutes(UTC_OFFICE, at(2026, 11, 27, 17), 120)
    assert due == at(2026, 11, 30, 10)


def test_starting_outside_hours_starts_at_the_next_opening():
    assert add_business_minutes(UTC_OFFICE, at(2026, 11, 28, 23), 30) == at(2026, 11, 30, 9, 30)
    assert add_business_minutes(UTC_OFFICE, at(2026, 11, 26, 20), 0) == at(2026, 11, 27, 9)


def test_holidays_are_skipped():
    calendar = Calendar.from_data("UTC", WEEKDAYS, ["2026-12-25"])
    due = add_business_minutes(calendar, at(2026, 12, 24, 17), 120)
    assert due == at(2026, 12, 28, 10)  # the 25th is a holiday, then a weekend
    assert business_minutes(calendar, at(2026, 12, 24, 17), at(2026, 12, 28, 10)) == 120


def test_hours_across_midnight_as_two_spans():
    night = Calendar.from_data("UTC", {"mon": [["22:00", "23:59"]], "tue": [["00:00", "06:00"]]})
    due = add_business_minutes(night, at(2026, 11, 30, 23), 120)
    assert due == at(2026, 12, 1, 1, 1)


def test_hours_are_wall_clock_in_the_calendars_zone_across_dst():
    # Paris leaves summer time on Sunday 25 October 2026: 09:00 is 07:00 UTC before, 08:00 after.
    friday = add_business_minutes(PARIS, at(2026, 10, 23, 6), 60)
    monday = add_business_minutes(PARIS, at(2026, 10, 26, 6), 60)
    assert friday == at(2026, 10, 23, 8) and monday == at(2026, 10, 26, 9)
    # A full business day either side is still nine hours.
    assert business_minutes(PARIS, at(2026, 10, 23, 0), at(2026, 10, 27, 0)) == 2 * 9 * 60


def test_a_calendar_with_no_hours_has_no_due_time():
    assert add_business_minutes(Calendar("UTC", {}), at(2026, 11, 26, 9), 10) is None


def test_a_pause_pushes_the_due_time_back():
    clock = Clock(UTC_OFFICE, at(2026, 11, 26, 9))
    assert clock.due_at(240, at(2026, 11, 26, 9)) == at(2026, 11, 26, 13)
    paused = clock.pause(at(2026, 11, 26, 10))
    assert paused.elapsed(at(2026, 11, 26, 12)) == 60  # stopped at 10:00
    resumed = paused.resume(at(2026, 11, 26, 12))
    assert resumed.paused_minutes == 120
    assert resumed.due_at(240, at(2026, 11, 26, 12)) == at(2026, 11, 26, 15)
    assert resumed.elapsed(at(2026, 11, 26, 13)) == 120


def test_a_paused_clock_shows_when_it_would_be_due_if_resumed_now():
    paused = Clock(UTC_OFFICE, at(2026, 11, 26, 9)).pause(at(2026, 11, 26, 10))
    assert paused.due_at(240, at(2026, 11, 27, 9)) == at(2026, 11, 27, 12)


def test_weekly_hours_are_checked():
    assert check_hours(WEEKDAYS) is None
    assert "weekday" in check_hours({"funday": [["09:00", "10:00"]]})
    assert "not before" in check_hours({"mon": [["18:00", "09:00"]]})
    assert "overlap" in check_hours({"mon": [["09:00", "12:00"], ["11:00", "13:00"]]})
    assert check_hours({"mon": [["nine", "ten"]]})
    assert Calendar.from_data("UTC", WEEKDAYS, ["2026-01-01"]).holidays == {date(2026, 1, 1)}
    assert UTC_OFFICE.hours[0] == ((time(9), time(18)),)


@pytest.mark.parametrize("name", ["Europe/Paris", "UTC"])
def test_a_known_time_zone_is_valid(name):
    assert valid_timezone(name)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "x" * 400, "Europe"])
def test_an_unknown_time_zone_is_invalid_never_an_error(name):
    # A name longer than a path may be failed with OSError by the zone database's loader.
    assert not valid_timezone(name)
