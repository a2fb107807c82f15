"""Checking the configured KPI alerts and emitting `kpi.threshold_crossed` once per
crossing, whichever replica checks first.

Configured by CRM_REPORTING_ALERTS, a JSON list such as
`[{"name": "sla_under_90", "kpi": "sla_compliance", "below": 90, "period": "last_30_days"}]`
(`below` or `above`); by default SLA compliance under 90% over the last 30 days.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import update

from crm_chassis.inputs import Input
from reporting.domain.alerts import Alert, crossing
from reporting.domain.periods import ROLLING, period_of
from reporting.models import KpiAlertState
from reporting.operations.dashboards import DASHBOARDS, kpi_value
from reporting.operations.writes import Writes

NUMERIC_KPIS = sorted({kpi.key for kpis in DASHBOARDS.values() for kpi in kpis
                       if kpi.unit != "money"})
DEFAULT_ALERTS = [{"name": "sla_compliance_under_90", "kpi": "sla_compliance", "below": 90,
                   "period": "last_30_days"}]


class AlertConfig(Input):
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    kpi = fields.String(required=True, validate=validate.OneOf(NUMERIC_KPIS))
    below = fields.Float(allow_nan=False)
    above = fields.Float(allow_nan=False)
    period = fields.String(load_default="last_30_days",
                           validate=validate.OneOf(tuple(ROLLING) + ("day", "week", "month")))

    @validates_schema
    def one_threshold(self, data: dict[str, Any], **_kwargs) -> None:
        if ("below" in data) == ("above" in data):
            raise ValidationError("give one of below or above", "below")


def configured_alerts(text: str | None = None) -> list[Alert]:
    """The alerts of CRM_REPORTING_ALERTS; a bad configuration raises ValueError naming it."""
    text = text if text is not None else os.environ.get("CRM_REPORTING_ALERTS")
    try:
        items = json.loads(text) if text else DEFAULT_ALERTS
        loaded = AlertConfig(many=True).load(items)
    except (ValueError, ValidationError) as exc:
        raise ValueError(f"CRM_REPORTING_ALERTS is not valid: {exc}") from None
    return [Alert(item["name"], item["kpi"], item.get("below", item.get("above")),
                  "below" if "below" in item else "above", item["period"]) for item in loaded]


def check(uow, alerts: list[Alert], now: datetime) -> list[dict[str, Any]]:
    """Emit an event for each alert whose KPI crossed since the last check (not committed)."""
    session = uow.session
    emitted = []
    for alert in alerts:
        period = period_of(alert.period, now.date())
        value = kpi_value(session, alert.kpi, period, now)
        row = Writes(session)
        row.first(KpiAlertState, {"alert": alert.name, "breached": False})
        row.flush()
        was = session.get(KpiAlertState, alert.name, populate_existing=True).breached
        state = crossing(alert, value, was)
        if state is None:
            continue
        # Only the replica whose update changes the row emits: one event per crossing.
        changed = session.execute(update(KpiAlertState).where(
            KpiAlertState.alert == alert.name, KpiAlertState.breached == was).values(
            breached=not was, value=value, checked_at=now)).rowcount
        if changed:
            event = {"alert": alert.name, "kpi": alert.kpi, "direction": alert.direction,
                     "threshold": alert.threshold, "value": value, "state": state,
                     "period": period.as_dict(), "checked_at": now}
            uow.emit("kpi.threshold_crossed", event)
            emitted.append(event)
    return emitted
