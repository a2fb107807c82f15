"""Lead scores: earned points fade by half each half-life; a lead qualifies once."""

from datetime import UTC, datetime, timedelta

from marketing.domain.scoring import ScoreSettings, decayed, qualifies, score

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_points_halve_each_half_life():
    assert decayed(40, T0, T0, 30) == 40
    assert decayed(40, T0, T0 + timedelta(days=30), 30) == 20
    assert decayed(40, T0, T0 + timedelta(days=60), 30) == 10
    assert decayed(40, T0, T0 - timedelta(days=1), 30) == 40  # never more than earned
    assert decayed(40, T0, T0 + timedelta(days=365), 0) == 40  # no decay


def test_a_score_is_field_points_plus_what_is_left_of_earned_ones():
    earned = [(20, T0), (10, T0 + timedelta(days=30))]
    assert score(15, earned, T0 + timedelta(days=30), 30) == 15 + 10 + 10
    assert score(-5, [], T0, 30) == -5


def test_a_lead_qualifies_once():
    assert qualifies(50, 50, False) and not qualifies(49, 50, False)
    assert not qualifies(80, 50, True)


def test_settings_come_from_the_environment():
    config = ScoreSettings.from_env({"CRM_MARKETING_LEAD_THRESHOLD": "70",
                                     "CRM_MARKETING_SCORE_HALF_LIFE_DAYS": "7"})
    assert (config.threshold, config.half_life_days) == (70, 7.0)
