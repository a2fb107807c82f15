"""Events of the sales service (exchange `sales.events`).

Money travels as a decimal string plus its ISO 4217 currency, never as a number. Each
record carries what reporting needs without calling back: owners, account and contact,
pipeline and stage ids and names, amounts, probabilities and times.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from crm_contracts.registry import register

SOURCE = "sales"

OPPORTUNITY_STATUSES = ("open", "won", "lost")
QUOTE_STATUSES = ("draft", "sent", "accepted", "rejected", "expired")
ACTIVITY_TYPES = ("task", "call", "meeting", "email")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 currency code, e.g. EUR")


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


def _money(**kwargs):
    return fields.Decimal(as_string=True, allow_nan=False, **kwargs)


class _Payload(Schema):
    # Consumers accept fields added later by a producer: adding a field is not a new version.
    class Meta:
        unknown = EXCLUDE


class _Versioned(_Payload):
    version = fields.Integer(required=True)
    created_at = _time(required=True)
    updated_at = _time(required=True)


class OpportunityData(_Versioned):
    id = fields.String(required=True)
    name = fields.String(required=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    amount = _money(required=True)
    currency = fields.String(required=True, validate=CURRENCY)
    weighted_amount = _money(required=True)
    probability = fields.Integer(required=True, validate=validate.Range(min=0, max=100))
    expected_close_date = fields.Date(allow_none=True)
    pipeline_id = fields.String(required=True)
    pipeline_name = fields.String(required=True)
    stage_id = fields.String(required=True)
    stage_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(OPPORTUNITY_STATUSES))
    lost_reason = fields.String(allow_none=True)
    source_campaign_id = fields.String(allow_none=True)
    stage_entered_at = _time(required=True)
    closed_at = _time(allow_none=True)


class _Amounts(_Versioned):
    currency = fields.String(required=True, validate=CURRENCY)
    subtotal = _money(required=True)
    discount_total = _money(required=True)
    net_total = _money(required=True)
    tax_total = _money(required=True)
    total = _money(required=True)


class QuoteData(_Amounts):
    id = fields.String(required=True)
    number = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(QUOTE_STATUSES))
    opportunity_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    sent_at = _time(allow_none=True)
    accepted_at = _time(allow_none=True)
    rejected_at = _time(allow_none=True)


class LineData(_Payload):
    position = fields.Integer(required=True)
    product_id = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    quantity = fields.Decimal(as_string=True, allow_nan=False, required=True)
    unit_price = _money(required=True)
    discount_percent = fields.Decimal(as_string=True, allow_nan=False, required=True)
    tax_rate = fields.Decimal(as_string=True, allow_nan=False, required=True)
    net_amount = _money(required=True)
    tax_amount = _money(required=True)
    total_amount = _money(required=True)


class OrderData(_Amounts):
    id = fields.String(required=True)
    number = fields.String(required=True)
    quote_id = fields.String(required=True)
    opportunity_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    ordered_at = _time(required=True)
    lines = fields.List(fields.Nested(LineData), required=True)


class ActivityData(_Versioned):
    """No subject or notes: they may be about a person, and reporting only counts."""

    id = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(ACTIVITY_TYPES))
    assignee_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    opportunity_id = fields.String(allow_none=True)
    origin = fields.String(required=True)
    due_at = _time(allow_none=True)
    start_at = _time(allow_none=True)
    end_at = _time(allow_none=True)
    completed_at = _time(allow_none=True)


class _ByWhom(_Payload):
    changed_by = fields.String(allow_none=True)


@register("opportunity.created", 1, SOURCE)
class OpportunityCreated(_ByWhom):
    opportunity = fields.Nested(OpportunityData, required=True)


@register("opportunity.updated", 1, SOURCE)
class OpportunityUpdated(_ByWhom):
    opportunity = fields.Nested(OpportunityData, required=True)
    changed_fields = fields.List(fields.String(), required=True)


@register("opportunity.stage_changed", 1, SOURCE)
class OpportunityStageChanged(_ByWhom):
    opportunity = fields.Nested(OpportunityData, required=True)
    from_stage_id = fields.String(allow_none=True)
    from_stage_name = fields.String(allow_none=True)
    from_pipeline_id = fields.String(allow_none=True)
    to_stage_id = fields.String(required=True)
    to_stage_name = fields.String(required=True)
    changed_at = _time(required=True)
    seconds_in_previous_stage = fields.Integer(allow_none=True)


@register("opportunity.won", 1, SOURCE)
class OpportunityWon(_ByWhom):
    opportunity = fields.Nested(OpportunityData, required=True)
    days_to_close = fields.Integer(allow_none=True)


@register("opportunity.lost", 1, SOURCE)
class OpportunityLost(_ByWhom):
    opportunity = fields.Nested(OpportunityData, required=True)
    lost_reason = fields.String(allow_none=True)
    days_to_close = fields.Integer(allow_none=True)


@register("opportunity.stagnant", 1, SOURCE)
class OpportunityStagnant(_Payload):
    """Raised once per stay of a deal in a stage that outlasted the stage's time limit."""

    opportunity = fields.Nested(OpportunityData, required=True)
    stage_id = fields.String(required=True)
    stage_name = fields.String(required=True)
    entered_stage_at = _time(required=True)
    time_limit_days = fields.Integer(required=True)
    detected_at = _time(required=True)


@register("quote.sent", 1, SOURCE)
class QuoteSent(_ByWhom):
    quote = fields.Nested(QuoteData, required=True)


@register("quote.accepted", 1, SOURCE)
class QuoteAccepted(_ByWhom):
    quote = fields.Nested(QuoteData, required=True)
    order_id = fields.String(required=True)


@register("quote.rejected", 1, SOURCE)
class QuoteRejected(_ByWhom):
    quote = fields.Nested(QuoteData, required=True)
    reason = fields.String(allow_none=True)


@register("order.created", 1, SOURCE)
class OrderCreated(_ByWhom):
    order = fields.Nested(OrderData, required=True)


@register("activity.created", 1, SOURCE)
class ActivityCreated(_ByWhom):
    activity = fields.Nested(ActivityData, required=True)


@register("activity.completed", 1, SOURCE)
class ActivityCompleted(_ByWhom):
    activity = fields.Nested(ActivityData, required=True)


@register("opportunity.deleted", 1, SOURCE)
class OpportunityDeleted(_ByWhom):
    """Soft-deleted: a read model drops it from the pipeline."""

    opportunity_id = fields.String(required=True)


@register("quote.expired", 1, SOURCE)
class QuoteExpired(_ByWhom):
    """Past its last valid day unanswered (changed_by null), or withdrawn by a user."""

    quote = fields.Nested(QuoteData, required=True)
