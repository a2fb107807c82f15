"""The public shapes of the sales resources: pipelines, opportunities, the catalogue,
quotes, orders and activities, as the API documents and validates them.

The gateway's own, like schemas.py: it never imports the sales service's schemas. Inputs
are checked here so that a bad request is answered without a call; the service checks
them again (it is the authority, e.g. on which currencies exist). Values go on to the
service as JSON: dates, times and money stay strings, never floats.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal, InvalidOperation

from marshmallow import RAISE, Schema, ValidationError, fields, validate

OPPORTUNITY_STATUSES = ("open", "won", "lost")
QUOTE_STATUSES = ("draft", "sent", "accepted", "rejected", "expired")
ACTIVITY_TYPES = ("task", "call", "meeting", "email")
ACTIVITY_ORIGINS = ("manual", "quote_follow_up", "renewal", "marketing")
FORECAST_PERIODS = ("month", "quarter")

CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 currency code, e.g. EUR")
MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "example": "1250.00",
         "description": "a decimal string in the currency's minor unit, never a number"}
DECIMAL_IN = {"type": "string", "example": "1250.00",
              "description": "a decimal string (or an integer), never a float"}


# --- fields -----------------------------------------------------------------------------

class DecimalText(fields.Field):
    """A decimal given as a string (or an integer), passed on as a string. A float is
    refused: it is inexact before it arrives."""

    def __init__(self, *, minimum: Decimal | None = None, maximum: Decimal | None = None,
                 above: Decimal | None = None, **kwargs):
        super().__init__(metadata={**DECIMAL_IN, **kwargs.pop("metadata", {})}, **kwargs)
        self.minimum, self.maximum, self.above = minimum, maximum, above

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError('a decimal string, e.g. "1250.00", not a number')
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError('a decimal string, e.g. "1250.00"') from None
        if not number.is_finite():
            raise ValidationError("a finite number")
        if self.minimum is not None and number < self.minimum:
            raise ValidationError(f"at least {self.minimum}")
        if self.maximum is not None and number > self.maximum:
            raise ValidationError(f"at most {self.maximum}")
        if self.above is not None and number <= self.above:
            raise ValidationError(f"more than {self.above}")
        return str(value).strip()


class DateText(fields.Date):
    """A YYYY-MM-DD date, checked and passed on as that text."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


class TimeText(fields.AwareDateTime):
    """An ISO 8601 time with its offset (UTC when it has none), passed on as text."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=UTC, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=length), **kwargs)


def _id(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=64), **kwargs)


def _percent(**kwargs) -> DecimalText:
    return DecimalText(minimum=Decimal(0), maximum=Decimal(100),
                       metadata={"example": "10", "description": "0 to 100"}, **kwargs)


def _sort(*names: str) -> fields.String:
    choices = [*names, *(f"-{name}" for name in names)]
    return fields.String(validate=validate.OneOf(choices), metadata={
        "description": f"one of {', '.join(names)}; `-` first for descending"})


def _out_time(**kwargs) -> fields.String:
    return fields.String(metadata={"format": "date-time"}, **kwargs)


def _out_date(**kwargs) -> fields.String:
    return fields.String(metadata={"format": "date"}, **kwargs)


def _money(**kwargs) -> fields.String:
    return fields.String(metadata=MONEY, **kwargs)


class _In(Schema):
    class Meta:
        unknown = RAISE


class _Query(_In):
    """?limit=&cursor=&sort= of every list. An unknown parameter is refused and named, so
    that a mistyped filter does not quietly return everything: routes parse queries with
    `unknown=RAISE`, as webargs would otherwise drop what the schema does not know."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String()


# --- pipelines --------------------------------------------------------------------------

class StageIn(_In):
    id = fields.String(metadata={"description": "an existing stage's id, to keep it"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    probability = fields.Integer(required=True, strict=True,
                                 validate=validate.Range(min=0, max=100))
    time_limit_days = fields.Integer(allow_none=True, strict=True,
                                     validate=validate.Range(min=1, max=3650), metadata={
                                         "description": "a deal longer in the stage is "
                                                        "stagnant"})


class PipelineIn(_In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    is_default = fields.Boolean()
    stages = fields.List(fields.Nested(StageIn), required=True,
                         validate=validate.Length(min=1, max=50),
                         metadata={"description": "in order"})


class PipelinePatch(PipelineIn):
    """A PATCH changes only the fields it sends; `stages` is the whole new ordered list
    (a stage with an `id` is kept and edited, one without is new)."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    stages = fields.List(fields.Nested(StageIn), validate=validate.Length(min=1, max=50))


class StageOut(Schema):
    id = fields.String()
    pipeline_id = fields.String()
    name = fields.String()
    position = fields.Integer()
    probability = fields.Integer()
    time_limit_days = fields.Integer(allow_none=True)


class PipelineOut(Schema):
    id = fields.String()
    name = fields.String()
    is_default = fields.Boolean()
    stages = fields.List(fields.Nested(StageOut))
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


# --- opportunities ----------------------------------------------------------------------

class OpportunityIn(_In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = _text(10_000)
    amount = DecimalText(required=True, minimum=Decimal(0))
    currency = fields.String(required=True, validate=CURRENCY)
    account_id = _text(36)
    contact_id = _text(36)
    owner_id = _text(64, metadata={"description": "default: the caller"})
    expected_close_date = DateText(allow_none=True)
    pipeline_id = _id(metadata={"description": "default: the default pipeline"})
    stage_id = _id(metadata={"description": "default: the pipeline's first stage"})
    probability = fields.Integer(allow_none=True, strict=True,
                                 validate=validate.Range(min=0, max=100),
                                 metadata={"description": "overrides the stage's"})
    source_campaign_id = _text(36)


class OpportunityPatch(_In):
    """A PATCH changes only the fields it sends; the stage changes by `move`."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    description = _text(10_000)
    amount = DecimalText(minimum=Decimal(0))
    currency = fields.String(validate=CURRENCY)
    account_id = _text(36)
    contact_id = _text(36)
    owner_id = _text(64)
    expected_close_date = DateText(allow_none=True)
    probability = fields.Integer(allow_none=True, strict=True,
                                 validate=validate.Range(min=0, max=100),
                                 metadata={"description": "null: back to the stage's"})
    source_campaign_id = _text(36)


class MoveIn(_In):
    stage_id = _id(required=True)
    pipeline_id = _id(metadata={"description": "needed when the stage is another "
                                               "pipeline's"})


class LoseIn(_In):
    lost_reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ReopenIn(_In):
    stage_id = _id(metadata={"description": "default: the stage it was closed in"})


class OpportunityOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    amount = _money()
    currency = fields.String()
    expected_close_date = _out_date(allow_none=True)
    pipeline_id = fields.String()
    pipeline_name = fields.String()
    stage_id = fields.String()
    stage_name = fields.String()
    probability = fields.Integer()
    probability_overridden = fields.Boolean()
    weighted_amount = _money()
    status = fields.String(metadata={"enum": list(OPPORTUNITY_STATUSES)})
    lost_reason = fields.String(allow_none=True)
    source_campaign_id = fields.String(allow_none=True)
    stage_entered_at = _out_time()
    closed_at = _out_time(allow_none=True)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


OPPORTUNITY_FILTERS = ("owner_id", "pipeline_id", "stage_id", "status", "account_id",
                       "contact_id", "source_campaign_id", "currency", "close_after",
                       "close_before")


class OpportunityFilters(_Query):
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "searches the name"})
    sort = _sort("created_at", "updated_at", "expected_close_date", "name")
    owner_id = fields.String()
    pipeline_id = fields.String()
    stage_id = fields.String()
    status = fields.String(validate=validate.OneOf(OPPORTUNITY_STATUSES))
    account_id = fields.String()
    contact_id = fields.String()
    source_campaign_id = fields.String()
    currency = fields.String(validate=CURRENCY)
    close_after = DateText(metadata={"description": "expected close on or after"})
    close_before = DateText(metadata={"description": "expected close before"})


BOARD_FILTERS = ("owner_id", "status", "account_id", "contact_id", "close_after",
                 "close_before")


class BoardQuery(_In):
    pipeline_id = fields.String(metadata={"description": "default: the default pipeline"})
    cards = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100),
                           metadata={"description": "cards per stage"})
    owner_id = fields.String()
    status = fields.String(validate=validate.OneOf(OPPORTUNITY_STATUSES),
                           metadata={"description": "default: open"})
    account_id = fields.String()
    contact_id = fields.String()
    close_after = DateText()
    close_before = DateText()


class StageTotalOut(Schema):
    currency = fields.String()
    amount = _money()
    weighted_amount = _money()


class BoardColumnOut(Schema):
    stage = fields.Nested(StageOut)
    count = fields.Integer()
    totals = fields.List(fields.Nested(StageTotalOut))
    cards = fields.List(fields.Nested(OpportunityOut))
    next_cursor = fields.String(allow_none=True, metadata={
        "description": "more cards: GET /api/v1/opportunities?sort=-updated_at with the "
                       "board's filters plus pipeline_id, stage_id, status and this cursor"})


class BoardOut(Schema):
    pipeline = fields.Nested(PipelineOut)
    stages = fields.List(fields.Nested(BoardColumnOut))


class StageChangeOut(Schema):
    id = fields.String()
    opportunity_id = fields.String()
    from_stage_id = fields.String(allow_none=True)
    from_stage_name = fields.String(allow_none=True)
    to_stage_id = fields.String()
    to_stage_name = fields.String()
    changed_by = fields.String(allow_none=True)
    changed_at = _out_time()
    seconds_in_previous_stage = fields.Integer(allow_none=True)


FORECAST_FILTERS = ("owner_id", "pipeline_id", "account_id", "close_after", "close_before")


class ForecastQuery(_In):
    period = fields.String(load_default="month", validate=validate.OneOf(FORECAST_PERIODS))
    owner_id = fields.String()
    pipeline_id = fields.String()
    account_id = fields.String()
    close_after = DateText()
    close_before = DateText()


class ForecastRowOut(Schema):
    period = fields.String(allow_none=True, metadata={
        "description": '"2026-11" or "2026-Q4"; null for deals without a close date'})
    owner_id = fields.String(allow_none=True)
    pipeline_id = fields.String()
    stage_id = fields.String()
    stage_name = fields.String()
    currency = fields.String()
    count = fields.Integer()
    amount = _money()
    weighted_amount = _money()


class ForecastTotalOut(Schema):
    period = fields.String(allow_none=True)
    currency = fields.String()
    count = fields.Integer()
    amount = _money()
    weighted_amount = _money()


class ForecastOut(Schema):
    period = fields.String(metadata={"enum": list(FORECAST_PERIODS)})
    rows = fields.List(fields.Nested(ForecastRowOut))
    totals = fields.List(fields.Nested(ForecastTotalOut))


# --- products and price lists -----------------------------------------------------------

class ProductIn(_In):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = _text(10_000)
    unit = _text(40)
    active = fields.Boolean()


class ProductPatch(ProductIn):
    """A PATCH changes only the fields it sends."""

    sku = fields.String(validate=validate.Length(min=1, max=64))
    name = fields.String(validate=validate.Length(min=1, max=200))


class ProductOut(Schema):
    id = fields.String()
    sku = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


PRODUCT_FILTERS = ("active", "sku")


class ProductFilters(_Query):
    q = fields.String(validate=validate.Length(max=200), metadata={
        "description": "searches names and skus"})
    sort = _sort("created_at", "updated_at", "name", "sku")
    active = fields.Boolean()
    sku = fields.String()


class PriceListIn(_In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = _text(10_000)
    active = fields.Boolean()


class PriceListPatch(PriceListIn):
    """A PATCH changes only the fields it sends."""

    name = fields.String(validate=validate.Length(min=1, max=200))


class PriceIn(_In):
    unit_price = DecimalText(required=True, minimum=Decimal(0), metadata={
        "example": "18.00", "description": "up to 4 decimals"})


class PriceOut(Schema):
    product_id = fields.String()
    currency = fields.String()
    unit_price = _money()


class PriceListOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()
    prices = fields.List(fields.Nested(PriceOut), metadata={
        "description": "in a single price list; not in lists of them"})


PRICE_LIST_FILTERS = ("active",)


class PriceListFilters(_Query):
    sort = _sort("created_at", "updated_at", "name")
    active = fields.Boolean()


# --- quotes and orders ------------------------------------------------------------------

class LineIn(_In):
    product_id = fields.String(allow_none=True, validate=validate.Length(max=64))
    description = _text(500, metadata={"description": "needed without a product"})
    quantity = DecimalText(required=True, above=Decimal(0), metadata={"example": "2"})
    unit_price = DecimalText(minimum=Decimal(0), metadata={
        "description": "default: the quote's price list price for the product"})
    discount_percent = _percent()
    tax_rate = _percent()


class QuoteIn(_In):
    currency = fields.String(required=True, validate=CURRENCY)
    opportunity_id = _text(36)
    account_id = _text(36, metadata={"description": "default: the opportunity's"})
    contact_id = _text(36, metadata={"description": "default: the opportunity's"})
    owner_id = _text(64, metadata={"description": "default: the opportunity's owner, "
                                                  "else the caller"})
    price_list_id = _text(36)
    valid_until = DateText(allow_none=True)
    notes = _text(10_000)
    lines = fields.List(fields.Nested(LineIn), validate=validate.Length(max=500))


class QuotePatch(QuoteIn):
    """A draft's fields; `lines`, when sent, replaces every line."""

    currency = fields.String(validate=CURRENCY)


class RejectIn(_In):
    reason = _text(500)


class LineOut(Schema):
    position = fields.Integer()
    product_id = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    quantity = fields.String(metadata={"example": "2"})
    unit_price = _money()
    discount_percent = fields.String(metadata={"example": "10"})
    tax_rate = fields.String(metadata={"example": "20"})
    net_amount = _money()
    tax_amount = _money()
    total_amount = _money()


class _AmountsOut(Schema):
    currency = fields.String()
    lines = fields.List(fields.Nested(LineOut))
    subtotal = _money()
    discount_total = _money()
    net_total = _money()
    tax_total = _money()
    total = _money()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class QuoteOut(_AmountsOut):
    id = fields.String()
    number = fields.String()
    status = fields.String(metadata={"enum": list(QUOTE_STATUSES)})
    opportunity_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    price_list_id = fields.String(allow_none=True)
    valid_until = _out_date(allow_none=True)
    notes = fields.String(allow_none=True)
    sent_at = _out_time(allow_none=True)
    accepted_at = _out_time(allow_none=True)
    rejected_at = _out_time(allow_none=True)
    rejection_reason = fields.String(allow_none=True)
    expired_at = _out_time(allow_none=True)
    order_id = fields.String(allow_none=True)


class OrderOut(_AmountsOut):
    id = fields.String()
    number = fields.String()
    quote_id = fields.String()
    opportunity_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    ordered_at = _out_time()


QUOTE_FILTERS = ("status", "opportunity_id", "account_id", "contact_id", "owner_id",
                 "currency")


class QuoteFilters(_Query):
    sort = _sort("created_at", "updated_at")
    status = fields.String(validate=validate.OneOf(QUOTE_STATUSES))
    opportunity_id = fields.String()
    account_id = fields.String()
    contact_id = fields.String()
    owner_id = fields.String()
    currency = fields.String(validate=CURRENCY)


ORDER_FILTERS = ("account_id", "contact_id", "opportunity_id", "owner_id", "currency",
                 "quote_id")


class OrderFilters(_Query):
    sort = _sort("created_at", "updated_at", "ordered_at")
    account_id = fields.String()
    contact_id = fields.String()
    opportunity_id = fields.String()
    owner_id = fields.String()
    currency = fields.String(validate=CURRENCY)
    quote_id = fields.String()


# --- activities -------------------------------------------------------------------------

class ActivityIn(_In):
    type = fields.String(required=True, validate=validate.OneOf(ACTIVITY_TYPES))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    notes = _text(20_000)
    due_at = TimeText(allow_none=True)
    start_at = TimeText(allow_none=True, metadata={"description": "a meeting needs it"})
    end_at = TimeText(allow_none=True, metadata={"description": "a meeting needs it, "
                                                                "after start_at"})
    assignee_id = _text(64, metadata={"description": "default: the caller"})
    contact_id = _text(36)
    account_id = _text(36)
    opportunity_id = _text(36)
    completed = fields.Boolean(metadata={"description": "an email is logged completed"})


class ActivityPatch(ActivityIn):
    """A PATCH changes only the fields it sends."""

    type = fields.String(validate=validate.OneOf(ACTIVITY_TYPES))
    subject = fields.String(validate=validate.Length(min=1, max=300))


class ActivityOut(Schema):
    id = fields.String()
    type = fields.String(metadata={"enum": list(ACTIVITY_TYPES)})
    subject = fields.String()
    notes = fields.String(allow_none=True)
    due_at = _out_time(allow_none=True)
    start_at = _out_time(allow_none=True)
    end_at = _out_time(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    opportunity_id = fields.String(allow_none=True)
    quote_id = fields.String(allow_none=True)
    origin = fields.String(metadata={"enum": list(ACTIVITY_ORIGINS)})
    completed_at = _out_time(allow_none=True)
    completed_by = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


ACTIVITY_FILTERS = ("assignee_id", "type", "contact_id", "account_id", "opportunity_id",
                    "quote_id", "completed", "origin", "due_after", "due_before")


class ActivityFilters(_Query):
    sort = _sort("created_at", "updated_at", "due_at")
    assignee_id = fields.String()
    type = fields.String(validate=validate.OneOf(ACTIVITY_TYPES))
    contact_id = fields.String()
    account_id = fields.String()
    opportunity_id = fields.String()
    quote_id = fields.String()
    completed = fields.Boolean()
    origin = fields.String(validate=validate.OneOf(ACTIVITY_ORIGINS))
    due_after = TimeText(metadata={"description": "due at or after"})
    due_before = TimeText(metadata={"description": "due before"})


class MyDayQuery(_In):
    user_id = fields.String(metadata={"description": "default: the caller"})
    day = DateText(metadata={"description": "default: today (UTC)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class MyDayActivityOut(ActivityOut):
    overdue = fields.Boolean()


class MyDayOut(Schema):
    items = fields.List(fields.Nested(MyDayActivityOut), metadata={
        "description": "open activities due (meetings: starting) by the end of the day, "
                       "earliest first, then undated ones"})
    overdue = fields.Integer()


class CalendarLinkOut(Schema):
    url = fields.String(metadata={"description": "the caller's iCalendar feed; keep it "
                                                 "secret, it needs no other credential"})
