"""Events of the reporting service (exchange `reporting.events`)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from crm_contracts.registry import register

SOURCE = "reporting"


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class _Payload(Schema):
    # Consumers accept fields added later by a producer: adding a field is not a new version.
    class Meta:
        unknown = EXCLUDE


class PeriodData(_Payload):
    kind = fields.String(required=True)
    start = _time(required=True, data_key="from")
    end = _time(required=True, data_key="to")


@register("kpi.threshold_crossed", 1, SOURCE)
class KpiThresholdCrossed(_Payload):
    """A configured alert's KPI went past its threshold (`state` breached) or came back
    (`state` recovered): once per crossing, whichever replica saw it first."""

    alert = fields.String(required=True, validate=validate.Length(min=1, max=80))
    kpi = fields.String(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(("below", "above")))
    threshold = fields.Float(required=True, allow_nan=False)
    value = fields.Float(required=True, allow_nan=False)
    state = fields.String(required=True, validate=validate.OneOf(("breached", "recovered")))
    period = fields.Nested(PeriodData, required=True)
    checked_at = _time(required=True)
