"""What goes in and out of the sales service, as marshmallow schemas.

Inputs are validated here even when the gateway validated them already: the service is
the authority on its records, and other services call it directly. Money comes in as a
decimal string (or an integer), never a float, and goes out as a decimal string.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from crm_chassis.inputs import Input as _Input
from crm_chassis.inputs import ListQuery, OptionalId, load  # noqa: F401 - re-exported
from sales.domain.forecast import PERIODS
from sales.domain.money import CURRENCIES, money_str, price_str
from sales.domain.opportunities import STATUSES

ACTIVITY_TYPES = ("task", "call", "meeting", "email")
Text = fields.String


def _short(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), allow_none=True, **kwargs)


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class DecimalString(fields.Decimal):
    """A decimal from a string or an integer; a float is refused, it is already inexact."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float | bool):
            raise ValidationError("a decimal string, e.g. \"1250.00\", not a number")
        return super()._deserialize(value, attr, data, **kwargs)


def _currency(**kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(
        CURRENCIES, error="an ISO 4217 currency code, e.g. EUR"), **kwargs)


def _percent(**kwargs) -> DecimalString:
    return DecimalString(validate=validate.Range(min=0, max=100), **kwargs)


# --- pipelines ---------------------------------------------------------------------------

class StageInput(_Input):
    id = fields.String()
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    probability = fields.Integer(required=True, strict=True,
                                 validate=validate.Range(min=0, max=100))
    time_limit_days = fields.Integer(allow_none=True, strict=True,
                                     validate=validate.Range(min=1, max=3650))


class PipelineInput(_Input):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    is_default = fields.Boolean()
    stages = fields.List(fields.Nested(StageInput), required=True,
                         validate=validate.Length(min=1, max=50))

    @validates_schema
    def _distinct_names(self, data: dict[str, Any], **_kwargs) -> None:
        names = [stage["name"].strip().lower() for stage in data.get("stages") or []]
        if len(names) != len(set(names)):
            raise ValidationError("stage names are distinct", "stages")


class StageOutput(Schema):
    id = Text()
    pipeline_id = Text()
    name = Text()
    position = fields.Integer()
    probability = fields.Integer()
    time_limit_days = fields.Integer(allow_none=True)


class PipelineOutput(Schema):
    id = Text()
    name = Text()
    is_default = fields.Boolean()
    stages = fields.List(fields.Nested(StageOutput))
    version = fields.Integer()
    created_at = _time()
    updated_at = _time()


# --- opportunities -----------------------------------------------------------------------

class OpportunityInput(_Input):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = _short(10_000)
    account_id = OptionalId()
    contact_id = OptionalId()
    owner_id = OptionalId(64)
    amount = DecimalString(required=True, validate=validate.Range(min=0))
    currency = _currency(required=True)
    expected_close_date = fields.Date(allow_none=True)
    pipeline_id = fields.String()
    stage_id = fields.String()
    probability = fields.Integer(allow_none=True, strict=True,
                                 validate=validate.Range(min=0, max=100))
    source_campaign_id = OptionalId()


class MoveInput(_Input):
    stage_id = fields.String(required=True)
    pipeline_id = fields.String()


class LoseInput(_Input):
    lost_reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReopenInput(_Input):
    stage_id = fields.String()


class StageChangeOutput(Schema):
    id = Text()
    opportunity_id = Text()
    from_stage_id = Text(allow_none=True)
    from_stage_name = Text(allow_none=True)
    to_stage_id = Text()
    to_stage_name = Text()
    changed_by = Text(allow_none=True)
    changed_at = _time()
    seconds_in_previous_stage = fields.Integer(allow_none=True)


# --- products and price lists ------------------------------------------------------------

class ProductInput(_Input):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = _short(10_000)
    unit = _short(40)
    active = fields.Boolean()


class ProductOutput(Schema):
    id = Text()
    sku = Text()
    name = Text()
    description = Text(allow_none=True)
    unit = Text(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()
    created_at = _time()
    updated_at = _time()


class PriceListInput(_Input):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = _short(10_000)
    active = fields.Boolean()


class PriceInput(_Input):
    product_id = fields.String(required=True)
    currency = _currency(required=True)
    unit_price = DecimalString(required=True, validate=validate.Range(min=0))


class PriceKey(_Input):
    product_id = fields.String(required=True)
    currency = _currency(required=True)


class PriceOutput(Schema):
    product_id = Text()
    currency = Text()
    unit_price = fields.Function(lambda p: price_str(p.unit_price, p.currency))


class PriceListOutput(Schema):
    id = Text()
    name = Text()
    description = Text(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()
    created_at = _time()
    updated_at = _time()
    prices = fields.List(fields.Nested(PriceOutput))


# --- quotes and orders -------------------------------------------------------------------

class LineInput(_Input):
    product_id = OptionalId()
    description = _short(500)
    quantity = DecimalString(required=True, validate=validate.Range(
        min=0, min_inclusive=False, error="more than zero"))
    unit_price = DecimalString(validate=validate.Range(min=0))
    discount_percent = _percent(load_default=Decimal(0))
    tax_rate = _percent(load_default=Decimal(0))

    @validates_schema
    def _something(self, data: dict[str, Any], **_kwargs) -> None:
        if not data.get("product_id") and not data.get("description"):
            raise ValidationError("a line needs a product or a description", "description")


class QuoteInput(_Input):
    currency = _currency(required=True)
    opportunity_id = OptionalId()
    account_id = OptionalId()
    contact_id = OptionalId()
    owner_id = OptionalId(64)
    price_list_id = OptionalId()
    valid_until = fields.Date(allow_none=True)
    notes = _short(10_000)
    lines = fields.List(fields.Nested(LineInput), load_default=list,
                        validate=validate.Length(max=500))


class RejectInput(_Input):
    reason = _short(500)


class _AmountsOutput(Schema):
    currency = Text()
    subtotal = fields.Function(lambda q: money_str(q.subtotal, q.currency))
    discount_total = fields.Function(lambda q: money_str(q.discount_total, q.currency))
    net_total = fields.Function(lambda q: money_str(q.net_total, q.currency))
    tax_total = fields.Function(lambda q: money_str(q.tax_total, q.currency))
    total = fields.Function(lambda q: money_str(q.total, q.currency))
    version = fields.Integer()
    created_at = _time()
    updated_at = _time()


def line_data(line, currency: str) -> dict[str, Any]:
    def plain(value) -> str:
        return format(Decimal(value).normalize(), "f")

    return {
        "position": line.position, "product_id": line.product_id,
        "description": line.description, "quantity": plain(line.quantity),
        "unit_price": price_str(line.unit_price, currency),
        "discount_percent": plain(line.discount_percent),
        "tax_rate": plain(line.tax_rate), "net_amount": money_str(line.net_amount, currency),
        "tax_amount": money_str(line.tax_amount, currency),
        "total_amount": money_str(line.total_amount, currency),
    }


class QuoteOutput(_AmountsOutput):
    id = Text()
    number = Text()
    status = Text()
    opportunity_id = Text(allow_none=True)
    account_id = Text(allow_none=True)
    contact_id = Text(allow_none=True)
    owner_id = Text(allow_none=True)
    price_list_id = Text(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    notes = Text(allow_none=True)
    lines = fields.Function(lambda q: [line_data(line, q.currency) for line in q.lines])
    sent_at = _time(allow_none=True)
    accepted_at = _time(allow_none=True)
    rejected_at = _time(allow_none=True)
    rejection_reason = Text(allow_none=True)
    expired_at = _time(allow_none=True)
    order_id = Text(allow_none=True)


class OrderOutput(_AmountsOutput):
    id = Text()
    number = Text()
    quote_id = Text()
    opportunity_id = Text(allow_none=True)
    account_id = Text(allow_none=True)
    contact_id = Text(allow_none=True)
    owner_id = Text(allow_none=True)
    lines = fields.List(fields.Dict())
    ordered_at = _time()


# --- activities --------------------------------------------------------------------------

class ActivityInput(_Input):
    type = fields.String(required=True, validate=validate.OneOf(ACTIVITY_TYPES))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    notes = _short(20_000)
    due_at = _time(allow_none=True)
    start_at = _time(allow_none=True)
    end_at = _time(allow_none=True)
    assignee_id = OptionalId(64)
    contact_id = OptionalId()
    account_id = OptionalId()
    opportunity_id = OptionalId()
    completed = fields.Boolean()


class ActivityOutput(Schema):
    id = Text()
    type = Text()
    subject = Text()
    notes = Text(allow_none=True)
    due_at = _time(allow_none=True)
    start_at = _time(allow_none=True)
    end_at = _time(allow_none=True)
    assignee_id = Text(allow_none=True)
    contact_id = Text(allow_none=True)
    account_id = Text(allow_none=True)
    opportunity_id = Text(allow_none=True)
    quote_id = Text(allow_none=True)
    origin = Text()
    completed_at = _time(allow_none=True)
    completed_by = Text(allow_none=True)
    version = fields.Integer()
    created_at = _time()
    updated_at = _time()


class MyDayQuery(_Input):
    user_id = fields.String(allow_none=True)
    day = fields.Date(allow_none=True)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


# --- lists, board, forecast --------------------------------------------------------------

class BoardQuery(_Input):
    pipeline_id = fields.String(allow_none=True)
    cards = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    filters = fields.Dict(keys=fields.String(), load_default=dict)


class ForecastQuery(_Input):
    period = fields.String(load_default="month", validate=validate.OneOf(PERIODS))
    filters = fields.Dict(keys=fields.String(), load_default=dict)


OPPORTUNITY_STATUSES = STATUSES
