"""KPI alerts: when a value crosses, and what a configuration may say."""

from __future__ import annotations

import pytest

from reporting.domain.alerts import Alert, crossing
from reporting.operations.alerts import configured_alerts

UNDER_90 = Alert("sla", "sla_compliance", 90.0, "below")


@pytest.mark.parametrize(("value", "was", "expected"), [
    (85.0, False, "breached"), (85.0, True, None), (95.0, True, "recovered"),
    (95.0, False, None), (None, False, None), (90.0, True, "recovered")])
def test_a_crossing_is_reported_once(value, was, expected):
    assert crossing(UNDER_90, value, was) == expected


def test_above_alerts_cross_upwards():
    backlog = Alert("backlog", "backlog", 100.0, "above")
    assert crossing(backlog, 101.0, False) == "breached"


def test_the_default_watches_sla_compliance():
    assert configured_alerts("") == [Alert("sla_compliance_under_90", "sla_compliance", 90.0,
                                           "below", "last_30_days")]


@pytest.mark.parametrize("text", [
    "not json", '[{"name": "x", "kpi": "won_amount", "below": 1}]',
    '[{"name": "x", "kpi": "csat"}]', '[{"name": "x", "kpi": "csat", "below": 1, "above": 2}]',
    '[{"name": "x", "kpi": "csat", "below": 1, "colour": "red"}]'])
def test_a_bad_configuration_is_refused(text):
    with pytest.raises(ValueError, match="CRM_REPORTING_ALERTS"):
        configured_alerts(text)
