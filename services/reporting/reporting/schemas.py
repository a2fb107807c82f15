"""What the reporting service takes in: every RPC input validated, unknown fields refused."""

from __future__ import annotations

from datetime import UTC

from marshmallow import fields, validate

from crm_chassis.inputs import Input, load  # noqa: F401 - re-exported
from reporting.domain.periods import PERIODS
from reporting.operations.dashboards import ROLES
from reporting.operations.rebuild import SOURCES


class PeriodQuery(Input):
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS))
    on = fields.Date()  # a day inside the period; today by default
    owner_id = fields.String(validate=validate.Length(min=1, max=64))


class ReportQuery(PeriodQuery):
    group_by = fields.String(validate=validate.Length(min=1, max=40))


class DashboardQuery(PeriodQuery):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class HistoryQuery(Input):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = fields.String(allow_none=True, validate=validate.Length(max=500))


class AsOfQuery(Input):
    as_of = fields.AwareDateTime(required=True, format="iso", default_timezone=UTC)


class RebuildPage(Input):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))
