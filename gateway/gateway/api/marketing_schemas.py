"""The public shapes of the marketing resources: segments and their members, templates,
campaigns and their metrics, bounces, as the API documents and validates them.

The gateway's own, like sales_schemas.py: it never imports the marketing service's
schemas. Inputs are checked here so that a bad request is answered without a call; the
service checks them again and stays the authority (e.g. on which fields a rule may name).
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from gateway.api.sales_schemas import (
    CURRENCY,
    DecimalText,
    TimeText,
    _In,
    _money,
    _out_time,
    _Query,
)

SEGMENT_KINDS = ("static", "dynamic")
CAMPAIGN_STATUSES = ("draft", "scheduled", "sending", "sent", "cancelled", "automated")
RULES_DOC = {
    "description": 'a group {"match": "all"|"any", "conditions": [{"field", "op", "value"} '
                   "or a nested group]}; fields and operators are listed in the marketing "
                   "service's README",
    "example": {"match": "all", "conditions": [
        {"field": "lifecycle_stage", "op": "eq", "value": "lead"},
        {"field": "account.tier", "op": "in", "value": ["gold", "vip"]},
        {"field": "consent.email", "op": "eq", "value": "granted"}]},
}


def _name(length: int = 200, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=length), **kwargs)


def _ref(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=36), **kwargs)


# --- segments -----------------------------------------------------------------------------

class SegmentIn(_In):
    name = _name(required=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    kind = fields.String(validate=validate.OneOf(SEGMENT_KINDS),
                         metadata={"description": "default dynamic"})
    rules = fields.Dict(allow_none=True, metadata=RULES_DOC)


class SegmentPatch(_In):
    name = _name()
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    rules = fields.Dict(allow_none=True, metadata=RULES_DOC)


class SegmentOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    kind = fields.String()
    rules = fields.Dict(allow_none=True)
    member_count = fields.Integer()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class SegmentFilters(_Query):
    kind = fields.String(validate=validate.OneOf(SEGMENT_KINDS))


class RulesIn(_In):
    rules = fields.Dict(required=True, metadata=RULES_DOC)


class CountOut(Schema):
    count = fields.Integer()


class MembersIn(_In):
    contact_ids = fields.List(_ref(), required=True, validate=validate.Length(min=1, max=1000))


class MemberOut(Schema):
    contact_id = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    email_consent = fields.String()
    joined_at = _out_time()


# --- templates ----------------------------------------------------------------------------

class TemplateIn(_In):
    name = _name(required=True)
    subject = _name(500, required=True)
    text_body = fields.String(required=True, validate=validate.Length(min=1, max=200_000))
    html_body = fields.String(allow_none=True, validate=validate.Length(max=500_000))


class TemplatePatch(_In):
    name = _name()
    subject = _name(500)
    text_body = fields.String(validate=validate.Length(min=1, max=200_000))
    html_body = fields.String(allow_none=True, validate=validate.Length(max=500_000))


class TemplateOut(Schema):
    id = fields.String()
    name = fields.String()
    subject = fields.String()
    text_body = fields.String()
    html_body = fields.String(allow_none=True)
    variables = fields.List(fields.String())
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class PreviewIn(_In):
    contact_id = _ref(metadata={"description": "without it, a sample contact"})


class PreviewOut(Schema):
    subject = fields.String()
    text_body = fields.String()
    html_body = fields.String(allow_none=True)


# --- campaigns ----------------------------------------------------------------------------

class CampaignIn(_In):
    name = _name(required=True)
    segment_id = _ref(required=True)
    template_id = _ref(required=True)
    from_address = fields.Email(allow_none=True)
    cost = DecimalText(minimum=0)
    budget = DecimalText(minimum=0, allow_none=True)
    currency = fields.String(validate=CURRENCY, metadata={"description": "default EUR"})


class CampaignPatch(_In):
    name = _name()
    segment_id = _ref()
    template_id = _ref()
    from_address = fields.Email(allow_none=True)
    cost = DecimalText(minimum=0)
    budget = DecimalText(minimum=0, allow_none=True)
    currency = fields.String(validate=CURRENCY)


class ScheduleIn(_In):
    scheduled_at = TimeText(required=True)


class CountsOut(Schema):
    recipients = fields.Integer()
    sent = fields.Integer()
    failed = fields.Integer()
    queued = fields.Integer()
    cancelled = fields.Integer()
    opened = fields.Integer()
    clicked = fields.Integer()
    bounced = fields.Integer()
    unsubscribed = fields.Integer()
    opens = fields.Integer()
    clicks = fields.Integer()


class CampaignOut(Schema):
    id = fields.String()
    name = fields.String()
    segment_id = fields.String(allow_none=True, metadata={
        "description": "null for a scenario's mails (status automated)"})
    scenario_id = fields.String(allow_none=True)
    template_id = fields.String()
    from_address = fields.String(allow_none=True)
    status = fields.String()
    cost = _money()
    budget = _money(allow_none=True)
    currency = fields.String()
    scheduled_at = _out_time(allow_none=True)
    started_at = _out_time(allow_none=True)
    completed_at = _out_time(allow_none=True)
    skipped_without_consent = fields.Integer()
    counts = fields.Nested(CountsOut)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class CampaignFilters(_Query):
    status = fields.String(validate=validate.OneOf(CAMPAIGN_STATUSES))
    segment_id = _ref()


def _rate() -> fields.String:
    return fields.String(allow_none=True, metadata={"example": "0.2500",
                                                    "description": "0 to 1, null when "
                                                                   "nothing to divide by"})


class MetricsOut(CountsOut):
    campaign_id = fields.String()
    status = fields.String()
    delivered = fields.Integer()
    skipped_without_consent = fields.Integer()
    delivery_rate = _rate()
    open_rate = _rate()
    click_rate = _rate()
    click_to_open_rate = _rate()
    unsubscribe_rate = _rate()
    bounce_rate = _rate()
    cost = _money()
    budget = _money(allow_none=True)
    currency = fields.String()
    cost_per_mail = _money(allow_none=True)
    leads = fields.Integer(metadata={"description": "contacts it qualified (last touch)"})
    cost_per_lead = _money(allow_none=True)
    opportunities_first_touch = fields.Integer()
    opportunities_last_touch = fields.Integer()
    won_first_touch = fields.Integer()
    won_last_touch = fields.Integer()
    revenue_first_touch = _money()
    revenue_last_touch = _money()
    revenue_other_currencies = fields.Dict(keys=fields.String(), values=fields.String())
    conversion_rate = _rate()
    roi = fields.String(allow_none=True, metadata={
        "example": "2.5000", "description": "(last-touch revenue - cost) / cost"})


# --- bounces and unsubscribing ------------------------------------------------------------

class BounceIn(_In):
    message_id = fields.String(required=True, validate=validate.Length(min=3, max=200),
                               metadata={"example": "<c1.r1@marketing.crm>"})
    kind = fields.String(validate=validate.OneOf(("hard", "soft")),
                         metadata={"description": "default hard"})
    reason = fields.String(allow_none=True, validate=validate.Length(max=1000))


class BounceOut(Schema):
    recipient_id = fields.String()
    campaign_id = fields.String()
    bounced_at = _out_time()
    duplicate = fields.Boolean()


class UnsubscribeOut(Schema):
    unsubscribed = fields.Boolean()
    already = fields.Boolean()


# --- lead scoring -------------------------------------------------------------------------

SCORING_KINDS = ("field", "event")
SCORED_EVENTS = ("email.opened", "email.clicked", "email.unsubscribed", "email.bounced",
                 "form.submitted")


class ScoringRuleIn(_In):
    name = _name(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SCORING_KINDS), metadata={
        "description": "field: points while the contact matches `rules`; event: points "
                       "each time the contact does `event` (fading with time)"})
    rules = fields.Dict(allow_none=True, metadata=RULES_DOC)
    event = fields.String(allow_none=True, validate=validate.OneOf(SCORED_EVENTS))
    points = fields.Integer(required=True, strict=True,
                            validate=validate.Range(min=-1000, max=1000))
    active = fields.Boolean()


class ScoringRulePatch(_In):
    name = _name()
    rules = fields.Dict(allow_none=True, metadata=RULES_DOC)
    event = fields.String(allow_none=True, validate=validate.OneOf(SCORED_EVENTS))
    points = fields.Integer(strict=True, validate=validate.Range(min=-1000, max=1000))
    active = fields.Boolean()


class ScoringRuleOut(Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    rules = fields.Dict(allow_none=True)
    event = fields.String(allow_none=True)
    points = fields.Integer()
    active = fields.Boolean()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class ScoreEntryOut(Schema):
    rule_id = fields.String()
    rule_name = fields.String()
    event = fields.String()
    campaign_id = fields.String(allow_none=True)
    points = fields.Integer()
    at = _out_time()


class LeadScoreOut(Schema):
    contact_id = fields.String()
    score = fields.Integer()
    field_points = fields.Integer()
    threshold = fields.Integer()
    qualified_at = _out_time(allow_none=True)
    updated_at = _out_time(allow_none=True)
    history = fields.List(fields.Nested(ScoreEntryOut))


# --- web-to-lead forms --------------------------------------------------------------------

class FormFieldIn(_In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=60), metadata={
        "description": "email, first_name, last_name, phone, title, or custom.<key>"})
    label = fields.String(validate=validate.Length(max=200))
    required = fields.Boolean()


class FormIn(_In):
    name = _name(required=True)
    consent_text = fields.String(required=True, validate=validate.Length(min=10, max=2000),
                                 metadata={"description": "the wording the consent box "
                                                          "shows, recorded with each consent"})
    allowed_origins = fields.List(fields.String(validate=validate.Length(max=300)),
                                  validate=validate.Length(max=20),
                                  metadata={"example": ["https://www.example.com"]})
    honeypot_field = fields.String(validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,49}$"),
                                   metadata={"description": "default website"})
    segment_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36),
                               metadata={"description": "a static segment to add to"})
    thank_you_url = fields.Url(allow_none=True, schemes={"http", "https"})
    rate_limit_per_minute = fields.Integer(strict=True, validate=validate.Range(min=1,
                                                                               max=1000))
    active = fields.Boolean()
    form_fields = fields.List(fields.Nested(FormFieldIn), data_key="fields", required=True,
                              validate=validate.Length(min=1, max=30))


class FormPatch(FormIn):
    """Only what is sent changes."""

    name = _name()
    consent_text = fields.String(validate=validate.Length(min=10, max=2000))
    form_fields = fields.List(fields.Nested(FormFieldIn), data_key="fields",
                              validate=validate.Length(min=1, max=30))


class FormFieldOut(Schema):
    name = fields.String()
    label = fields.String()
    required = fields.Boolean()


class FormOut(Schema):
    id = fields.String()
    name = fields.String()
    fields_ = fields.List(fields.Nested(FormFieldOut), data_key="fields", attribute="fields")
    consent_text = fields.String()
    allowed_origins = fields.List(fields.String())
    honeypot_field = fields.String()
    segment_id = fields.String(allow_none=True)
    thank_you_url = fields.String(allow_none=True)
    rate_limit_per_minute = fields.Integer()
    active = fields.Boolean()
    submissions = fields.Integer()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class PublicFormOut(Schema):
    id = fields.String()
    name = fields.String()
    fields_ = fields.List(fields.Nested(FormFieldOut), data_key="fields", attribute="fields")
    consent_text = fields.String()
    honeypot_field = fields.String()


class SubmissionOut(Schema):
    id = fields.String()
    contact_id = fields.String(allow_none=True)
    created_contact = fields.Boolean()
    consent = fields.Boolean()
    consent_text = fields.String(allow_none=True)
    utm = fields.Dict()
    origin = fields.String(allow_none=True)
    outcome = fields.String()
    at = _out_time()


class SubmitOut(Schema):
    accepted = fields.Boolean()


# --- nurturing scenarios ------------------------------------------------------------------

SCENARIO_DOC = {"description": "see the marketing service's README: trigger "
                               "{event, segment_id|form_id|campaign_id}; steps wait, send, "
                               "branch, add_score, create_task, set_lifecycle_stage"}


class ScenarioIn(_In):
    name = _name(required=True)
    trigger = fields.Dict(required=True, metadata={
        **SCENARIO_DOC, "example": {"event": "segment.joined", "segment_id": "..."}})
    steps = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=50),
                        metadata={"example": [{"type": "send", "template_id": "..."},
                                              {"type": "wait", "days": 3},
                                              {"type": "branch", "on": "clicked", "then": 3,
                                               "else": 4},
                                              {"type": "add_score", "points": 20},
                                              {"type": "create_task",
                                               "subject": "Call them"}]})
    active = fields.Boolean()


class ScenarioPatch(_In):
    name = _name()
    trigger = fields.Dict(metadata=SCENARIO_DOC)
    steps = fields.List(fields.Dict(), validate=validate.Length(min=1, max=50))
    active = fields.Boolean()


class EnrolmentCountsOut(Schema):
    active = fields.Integer()
    completed = fields.Integer()
    exited = fields.Integer()


class ScenarioOut(Schema):
    id = fields.String()
    name = fields.String()
    trigger = fields.Dict()
    steps = fields.List(fields.Dict())
    active = fields.Boolean()
    enrolments = fields.Nested(EnrolmentCountsOut)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class EnrolmentOut(Schema):
    id = fields.String()
    scenario_id = fields.String()
    scenario_name = fields.String(allow_none=True)
    contact_id = fields.String()
    status = fields.String(metadata={"enum": ["active", "completed", "exited"]})
    position = fields.Integer(metadata={"description": "the index of the next step"})
    current_step = fields.Dict(allow_none=True)
    next_run_at = _out_time(allow_none=True)
    entered_at = _out_time()
    done_at = _out_time(allow_none=True)
    error = fields.String(allow_none=True)
    history = fields.List(fields.Dict())


class EnrolmentFilters(_Query):
    status = fields.String(validate=validate.OneOf(("active", "completed", "exited")))


class ProjectionRebuildIn(_In):
    cursor = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "0 to start over; then the `next_cursor` of the previous page"})
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=5000))


class ProjectionPageOut(Schema):
    applied = fields.Integer(metadata={"description": "events of this page"})
    last_seq = fields.Integer(allow_none=True)
    next_cursor = fields.Integer(allow_none=True, metadata={
        "description": "the next page's cursor; null after the last page"})
    head = fields.Integer(allow_none=True, metadata={
        "description": "the newest event of the contacts log, for a progress bar"})


class ProjectionStatusOut(Schema):
    source = fields.String()
    cursor = fields.Integer()
    rebuilt_at = fields.String(allow_none=True)
