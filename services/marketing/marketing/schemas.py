"""What goes in and out of the marketing service, as marshmallow schemas.

Inputs are validated here even when the gateway validated them already: the service is
the authority on its records, and other services call it directly.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import ValidationError, fields, validate

from crm_chassis.inputs import Input as _Input
from crm_chassis.inputs import ListQuery, load  # noqa: F401 - re-exported
from marketing.domain.scoring import EVENTS as SCORED_EVENTS
from marketing.domain.scoring import KINDS as SCORING_KINDS

SEGMENT_KINDS = ("static", "dynamic")
BOUNCE_KINDS = ("hard", "soft")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 currency code, e.g. EUR")


def _name(length: int = 200, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=length), **kwargs)


def _short(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), allow_none=True, **kwargs)


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class DecimalString(fields.Decimal):
    """A decimal from a string or an integer; a float is refused, it is already inexact."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, places=2,
                         validate=validate.Range(min=0, max=10**11), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float | bool):
            raise ValidationError("a decimal string, e.g. \"1250.00\", not a number")
        return super()._deserialize(value, attr, data, **kwargs)


class SegmentInput(_Input):
    name = _name(required=True)
    description = _short(2000)
    kind = fields.String(validate=validate.OneOf(SEGMENT_KINDS), load_default="dynamic")
    # Checked field by field by domain.segments.validate_rules, which names the bad part.
    rules = fields.Dict(allow_none=True)


class SegmentUpdate(_Input):
    name = _name()
    description = _short(2000)
    rules = fields.Dict(allow_none=True)


class RulesInput(_Input):
    rules = fields.Dict(required=True)


class RebuildPageInput(_Input):
    cursor = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=1000, strict=True,
                           validate=validate.Range(min=1, max=5000))


class MembersInput(_Input):
    contact_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                              required=True, validate=validate.Length(min=1, max=1000))


class TemplateInput(_Input):
    name = _name(required=True)
    subject = _name(500, required=True)
    html_body = fields.String(allow_none=True, validate=validate.Length(max=500_000))
    text_body = fields.String(required=True, validate=validate.Length(min=1, max=200_000))


class TemplateUpdate(_Input):
    name = _name()
    subject = _name(500)
    html_body = fields.String(allow_none=True, validate=validate.Length(max=500_000))
    text_body = fields.String(validate=validate.Length(min=1, max=200_000))


class PreviewInput(_Input):
    contact_id = fields.String(validate=validate.Length(min=1, max=36))


class CampaignInput(_Input):
    name = _name(required=True)
    segment_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    template_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    from_address = fields.Email(allow_none=True)
    cost = DecimalString(load_default=None)
    budget = DecimalString(allow_none=True)
    currency = fields.String(validate=CURRENCY, load_default="EUR")


class CampaignUpdate(_Input):
    name = _name()
    segment_id = fields.String(validate=validate.Length(min=1, max=36))
    template_id = fields.String(validate=validate.Length(min=1, max=36))
    from_address = fields.Email(allow_none=True)
    cost = DecimalString()
    budget = DecimalString(allow_none=True)
    currency = fields.String(validate=CURRENCY)


class ScheduleInput(_Input):
    scheduled_at = _time(required=True)


class BounceInput(_Input):
    message_id = fields.String(required=True, validate=validate.Length(min=3, max=200))
    kind = fields.String(validate=validate.OneOf(BOUNCE_KINDS), load_default="hard")
    reason = _short(1000)


class ScoringRuleInput(_Input):
    name = _name(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SCORING_KINDS))
    rules = fields.Dict(allow_none=True)
    event = fields.String(allow_none=True, validate=validate.OneOf(SCORED_EVENTS))
    points = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=-1000, max=1000))
    active = fields.Boolean(load_default=True)


class ScoringRuleUpdate(_Input):
    name = _name()
    rules = fields.Dict(allow_none=True)
    event = fields.String(allow_none=True, validate=validate.OneOf(SCORED_EVENTS))
    points = fields.Integer(strict=True, validate=validate.Range(min=-1000, max=1000))
    active = fields.Boolean()


class FormFieldInput(_Input):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60))
    label = fields.String(validate=validate.Length(max=200))
    required = fields.Boolean(load_default=False)


class FormInput(_Input):
    name = _name(required=True)
    consent_text = fields.String(required=True, validate=validate.Length(min=10, max=2000))
    allowed_origins = fields.List(fields.String(validate=validate.Length(max=300)),
                                  load_default=list, validate=validate.Length(max=20))
    honeypot_field = fields.String(load_default="website",
                                   validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$"))
    segment_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))
    thank_you_url = fields.Url(allow_none=True, schemes={"http", "https"})
    rate_limit_per_minute = fields.Integer(load_default=10, strict=True,
                                           validate=validate.Range(min=1, max=1000))
    active = fields.Boolean(load_default=True)
    # Last: the attribute shadows marshmallow's `fields` in the rest of the class body.
    fields = fields.List(fields.Nested(FormFieldInput), required=True,
                         validate=validate.Length(min=1, max=30))


class FormUpdate(FormInput):
    """Loaded partial: only the fields sent change."""


class SubmissionMeta(_Input):
    origin = fields.String(allow_none=True, validate=validate.Length(max=300))
    client = fields.String(allow_none=True, validate=validate.Length(max=100))


class ScenarioInput(_Input):
    name = _name(required=True)
    # Checked key by key by domain.scenarios.check, which names the bad part.
    trigger = fields.Dict(required=True)
    steps = fields.List(fields.Dict(), required=True)
    active = fields.Boolean(load_default=True)


class ScenarioUpdate(_Input):
    name = _name()
    trigger = fields.Dict()
    steps = fields.List(fields.Dict())
    active = fields.Boolean()


class TokenInput(_Input):
    token = fields.String(required=True, validate=validate.Length(min=10, max=6000))
    method = fields.String(validate=validate.OneOf(("link", "one_click")),
                           load_default="link")

