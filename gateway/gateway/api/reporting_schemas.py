"""The public shapes of reports, dashboards and customer history, as the API documents and
validates them. The gateway's own: it never imports the reporting service's code."""

from __future__ import annotations

from datetime import UTC

from marshmallow import RAISE, Schema, fields, validate

PERIODS = ("day", "week", "month", "quarter", "year", "last_7_days", "last_30_days",
           "last_90_days", "last_365_days")
DASHBOARDS = ("sales_rep", "sales_manager", "marketer", "support_manager", "executive")
REPORTS = ("pipeline", "forecast", "win-rate", "conversion", "time-in-stage", "activities",
           "tickets", "sla", "backlog", "csat", "customers", "adoption", "campaigns",
           "lead-scores")
SOURCES = ("contacts", "sales", "support", "marketing")
FORMATS = ("json", "csv")


class _Args(Schema):
    class Meta:
        unknown = RAISE


class PeriodArgs(_Args):
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS),
                           metadata={"description": "a calendar period or the last N days"})
    on = fields.Date(metadata={"description": "a day inside the period (default today, UTC)"})
    owner_id = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "one sales rep's figures (deals they own, activities assigned)"})
    format = fields.String(validate=validate.OneOf(FORMATS), metadata={
        "description": "csv for a CSV file (or send Accept: text/csv)"})


class ReportArgs(PeriodArgs):
    group_by = fields.String(validate=validate.Length(min=1, max=40), metadata={
        "description": "pipeline: stage, owner, pipeline, account, currency; "
                       "tickets: channel, priority, type, team, assignee"})


class HistoryArgs(_Args):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = fields.String(validate=validate.Length(max=500))


class AsOfArgs(_Args):
    as_of = fields.AwareDateTime(format="iso", default_timezone=UTC, metadata={
        "description": "ISO 8601 time: the view as the platform knew it then"})


class RebuildPageIn(_Args):
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class ReportOut(Schema):
    report = fields.String()
    period = fields.Dict(metadata={"description": "{kind, from, to}"})
    group_by = fields.String(allow_none=True)
    summary = fields.Dict()
    rows = fields.List(fields.Dict())


class ReportInfoOut(Schema):
    name = fields.String()
    group_by = fields.List(fields.String())
    default_group = fields.String(allow_none=True)


class ReportListOut(Schema):
    items = fields.List(fields.Nested(ReportInfoOut))
    next_cursor = fields.String(allow_none=True)


class KpiOut(Schema):
    key = fields.String()
    label = fields.String()
    unit = fields.String(metadata={"description": "count, percent, money ({currency: "
                                                  "decimal string}), days, hours, rating"})
    value = fields.Raw(allow_none=True)
    previous = fields.Raw(allow_none=True)
    change = fields.Float(allow_none=True, metadata={"description": "percent, numbers only"})


class DashboardOut(Schema):
    role = fields.String()
    owner_id = fields.String(allow_none=True)
    period = fields.Dict()
    previous_period = fields.Dict()
    kpis = fields.List(fields.Nested(KpiOut))


class DashboardInfoOut(Schema):
    role = fields.String(metadata={"enum": list(DASHBOARDS)})


class DashboardListOut(Schema):
    items = fields.List(fields.Nested(DashboardInfoOut))
    next_cursor = fields.String(allow_none=True)


class HistoryEntryOut(Schema):
    event_id = fields.String()
    type = fields.String()
    version = fields.Integer()
    source = fields.String(metadata={"description": "the service the change came from"})
    occurred_at = fields.String()
    changed_by = fields.String(allow_none=True)
    subject_type = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    changed_fields = fields.List(fields.String(), allow_none=True)
    correlation_id = fields.String(allow_none=True)
    data = fields.Dict()


class HistoryPageOut(Schema):
    items = fields.List(fields.Nested(HistoryEntryOut))
    next_cursor = fields.String(allow_none=True)


class RebuildOut(Schema):
    sources = fields.List(fields.String())


class RebuildPageOut(Schema):
    source = fields.String()
    applied = fields.Integer()
    skipped = fields.Integer()
    last_seq = fields.Integer(allow_none=True)
    next_cursor = fields.Integer(allow_none=True)
    head = fields.Integer(allow_none=True)
