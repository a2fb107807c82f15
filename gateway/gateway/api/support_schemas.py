"""The public shapes of the support resources: tickets and their messages, SLA policies
and the business-hours calendar, teams and assignment rules, the knowledge base, the CSAT
survey and the customer portal, as the API documents and validates them.

The gateway's own, like sales_schemas.py: it never imports the support service's schemas.
Inputs are checked here so that a bad request is answered without a call; the service
checks them again and stays the authority.
"""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.api.sales_schemas import DateText, _In, _out_time, _Query, _sort

CHANNELS = ("api", "web_form", "email", "phone")
TICKET_TYPES = ("question", "incident", "problem", "task")
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
TIERS = ("default", "vip")
STRATEGIES = ("round_robin", "least_loaded")
ARTICLE_STATUSES = ("draft", "published")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOUR = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


def _one_of(choices: tuple[str, ...], **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(choices), **kwargs)


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), **kwargs)


def _name(length: int = 200, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=length), **kwargs)


def _ref(**kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(min=1, max=36), **kwargs)


def _tags(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=50)),
                       validate=validate.Length(max=50), **kwargs)


def _minutes(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=525_600), **kwargs)


# --- tickets and messages -------------------------------------------------------------------

class TicketIn(_In):
    subject = _name(300, required=True)
    description = _text(100_000, allow_none=True)
    contact_id = _ref()
    account_id = _ref(metadata={"description": "default: the contact's account"})
    channel = _one_of(CHANNELS, metadata={"description": "default api"})
    type = _one_of(TICKET_TYPES, metadata={"description": "default question"})
    priority = _one_of(PRIORITIES, metadata={"description": "default normal"})
    tags = _tags()
    assignee_id = _ref()
    team_id = _ref(metadata={"description": "without it, the assignment rules pick one"})
    language = fields.String(allow_none=True, validate=validate.Length(min=2, max=10),
                             metadata={"example": "en"})


class TicketPatch(_In):
    """A PATCH changes only the fields it sends; status and assignee have their own
    routes."""

    subject = _name(300)
    description = _text(100_000, allow_none=True)
    type = _one_of(TICKET_TYPES)
    priority = _one_of(PRIORITIES)
    tags = _tags()
    language = fields.String(allow_none=True, validate=validate.Length(min=2, max=10))
    account_id = _ref()
    contact_id = _ref()


class StatusIn(_In):
    status = _one_of(STATUSES, required=True)


class AssignIn(_In):
    """Both null (or absent) unassigns the ticket."""

    assignee_id = _ref(load_default=None)
    team_id = _ref(load_default=None)


class MessageIn(_In):
    body = _name(100_000, required=True)
    public = fields.Boolean(metadata={"description": "false for an internal note; default "
                                                    "true"})
    author_type = _one_of(("agent", "customer"),
                          metadata={"description": "default agent; customer to log what "
                                                   "the customer said, e.g. on the phone"})


class UpsellIn(_In):
    note = _text(2000, allow_none=True,
                 metadata={"description": "for the account's sales rep"})


TICKET_FILTERS = ("status", "priority", "channel", "type", "team_id", "assignee_id",
                  "contact_id", "account_id", "tag", "breached", "open")


def _any_of(choices: tuple[str, ...]) -> fields.List:
    return fields.List(_one_of(choices), metadata={"description": "repeat for any of several"})


class TicketFilters(_Query):
    sort = _sort("created_at", "updated_at", "resolution_due_at", "priority")
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "searches subjects"})
    status = _any_of(STATUSES)
    priority = _any_of(PRIORITIES)
    channel = _any_of(CHANNELS)
    type = _any_of(TICKET_TYPES)
    team_id = fields.String()
    assignee_id = fields.String()
    contact_id = fields.String()
    account_id = fields.String()
    tag = fields.String()
    breached = fields.Boolean(metadata={"description": "an SLA target is breached"})
    open = fields.Boolean(metadata={"description": "not solved or closed"})


class QueueQuery(_Query):
    sort = _sort("resolution_due_at", "priority", "created_at", "updated_at")
    assignee_id = fields.String(metadata={"description": "default: the caller"})
    team_id = fields.String()
    priority = _any_of(PRIORITIES)
    breached = fields.Boolean()


class TargetOut(Schema):
    target_minutes = fields.Integer(allow_none=True)
    due_at = _out_time(allow_none=True)
    elapsed_minutes = fields.Integer(allow_none=True)
    remaining_minutes = fields.Integer(allow_none=True, metadata={
        "description": "business minutes, negative when late"})
    breached = fields.Boolean()
    met_at = _out_time(allow_none=True)
    status = _one_of(("running", "paused", "met", "breached", "none"))


class SlaStateOut(Schema):
    policy_id = fields.String(allow_none=True)
    first_response = fields.Nested(TargetOut, allow_none=True)
    resolution = fields.Nested(TargetOut, allow_none=True)
    paused = fields.Boolean()


class MessageOut(Schema):
    id = fields.String()
    ticket_id = fields.String()
    body = fields.String(allow_none=True)
    public = fields.Boolean()
    author_type = _one_of(("agent", "customer", "system"))
    author_id = fields.String(allow_none=True)
    email_message_id = fields.String(allow_none=True)
    created_at = _out_time()


class TicketOut(Schema):
    id = fields.String()
    number = fields.String(metadata={"example": "T-1042"})
    subject = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    channel = fields.String()
    type = fields.String()
    priority = fields.String()
    status = fields.String()
    tags = fields.List(fields.String())
    assignee_id = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    vip = fields.Boolean()
    escalated = fields.Boolean()
    upsell_flagged = fields.Boolean()
    sla = fields.Nested(SlaStateOut, allow_none=True)
    survey_token = fields.String(allow_none=True, metadata={
        "description": "once solved: the CSAT survey's token, for /api/v1/surveys/{token}"})
    first_responded_at = _out_time(allow_none=True)
    solved_at = _out_time(allow_none=True)
    closed_at = _out_time(allow_none=True)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()
    messages = fields.List(fields.Nested(MessageOut))


# --- SLA policies and the business-hours calendar -------------------------------------------

class SlaPolicyIn(_In):
    name = _name(required=True)
    priority = _one_of(PRIORITIES, required=True)
    tier = _one_of(TIERS, metadata={"description": "default default"})
    first_response_minutes = _minutes(required=True,
                                      metadata={"description": "business minutes"})
    resolution_minutes = _minutes(required=True, metadata={"description": "business minutes"})
    calendar_id = _ref(metadata={"description": "default: the default calendar"})

    @validates_schema
    def _resolution_after_response(self, data, **kwargs):
        first, resolution = data.get("first_response_minutes"), data.get("resolution_minutes")
        if first and resolution and resolution < first:
            raise ValidationError("not less than first_response_minutes",
                                  "resolution_minutes")


class SlaPolicyPatch(_In):
    name = _name()
    priority = _one_of(PRIORITIES)
    tier = _one_of(TIERS)
    first_response_minutes = _minutes()
    resolution_minutes = _minutes()
    calendar_id = _ref()


class SlaPolicyOut(Schema):
    id = fields.String()
    name = fields.String()
    priority = fields.String()
    tier = fields.String()
    first_response_minutes = fields.Integer()
    resolution_minutes = fields.Integer()
    calendar_id = fields.String(allow_none=True)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


_PERIOD = fields.List(fields.String(validate=validate.Regexp(HOUR, error="HH:MM")),
                      validate=validate.Length(equal=2))


class CalendarPatch(_In):
    name = _name()
    timezone = fields.String(validate=validate.Length(min=1, max=64),
                             metadata={"example": "Europe/Paris"})
    hours = fields.Dict(keys=fields.String(validate=validate.OneOf(WEEKDAYS)),
                        values=fields.List(_PERIOD, validate=validate.Length(max=10)),
                        metadata={"example": {"mon": [["09:00", "18:00"]]}})
    holidays = fields.List(DateText(), validate=validate.Length(max=400))


class CalendarOut(Schema):
    id = fields.String()
    name = fields.String()
    timezone = fields.String()
    hours = fields.Dict()
    holidays = fields.List(fields.String())
    is_default = fields.Boolean()
    version = fields.Integer()


# --- teams and assignment rules --------------------------------------------------------------

class TeamIn(_In):
    name = _name(required=True)
    members = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                          required=True, validate=validate.Length(max=500),
                          metadata={"description": "user ids, in round-robin order"})
    strategy = _one_of(STRATEGIES, required=True)
    manager_id = _ref()


class TeamPatch(TeamIn):
    name = _name()
    members = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                          validate=validate.Length(max=500))
    strategy = _one_of(STRATEGIES)


class TeamOut(Schema):
    id = fields.String()
    name = fields.String()
    members = fields.List(fields.String())
    strategy = fields.String()
    manager_id = fields.String(allow_none=True)
    is_default = fields.Boolean()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


class ConditionsIn(_In):
    types = fields.List(_one_of(TICKET_TYPES))
    priorities = fields.List(_one_of(PRIORITIES))
    vip = fields.Boolean()
    languages = fields.List(fields.String(validate=validate.Length(min=2, max=10)))
    keywords = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                           validate=validate.Length(max=100))


class RuleIn(_In):
    name = _name(required=True)
    position = fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000))
    team_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    active = fields.Boolean()
    conditions = fields.Nested(ConditionsIn, required=True)


class RulePatch(RuleIn):
    name = _name()
    team_id = fields.String(validate=validate.Length(min=1, max=36))
    conditions = fields.Nested(ConditionsIn)


class RuleOut(Schema):
    id = fields.String()
    name = fields.String()
    position = fields.Integer()
    team_id = fields.String()
    active = fields.Boolean()
    conditions = fields.Dict()
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()


# --- knowledge base ---------------------------------------------------------------------------

class CategoryIn(_In):
    name = _name(required=True)
    description = _text(2000, allow_none=True)


class CategoryOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    version = fields.Integer()


class ArticleIn(_In):
    title = _name(300, required=True)
    body = _name(200_000, required=True)
    category_id = _ref()
    status = _one_of(ARTICLE_STATUSES, metadata={"description": "default draft"})
    tags = _tags()


class ArticlePatch(_In):
    title = _name(300)
    body = _name(200_000)
    category_id = _ref()
    tags = _tags()


class ArticleOut(Schema):
    id = fields.String()
    title = fields.String()
    body = fields.String()
    category_id = fields.String(allow_none=True)
    status = fields.String()
    tags = fields.List(fields.String())
    author_id = fields.String(allow_none=True)
    published_at = _out_time(allow_none=True)
    version = fields.Integer()
    created_at = _out_time()
    updated_at = _out_time()
    score = fields.Float(metadata={"description": "in searches and suggestions: the rank"})


class ArticleSearch(_In):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    published_only = fields.Boolean(load_default=True)
    category_id = fields.String(validate=validate.Length(min=1, max=36))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PortalArticleSearch(_In):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category_id = fields.String(validate=validate.Length(min=1, max=36))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SuggestQuery(_In):
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


# --- CSAT survey -------------------------------------------------------------------------------

class SurveyOut(Schema):
    ticket_id = fields.String()
    ticket_number = fields.String()
    subject = fields.String(allow_none=True)
    expires_at = _out_time()
    submitted = fields.Boolean()
    rating = fields.Integer(allow_none=True, metadata={"description": "once answered"})


class SurveyIn(_In):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = _text(5000, allow_none=True)


class SurveyAnswerOut(Schema):
    ticket_id = fields.String()
    rating = fields.Integer()
    comment = fields.String(allow_none=True)
    submitted_at = _out_time()


class CsatFilters(_Query):
    contact_id = fields.String()
    account_id = fields.String()
    team_id = fields.String()
    assignee_id = fields.String()


CSAT_FILTERS = ("contact_id", "account_id", "team_id", "assignee_id")


class CsatOut(SurveyAnswerOut):
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)


# --- customer portal --------------------------------------------------------------------------

class SignInIn(_In):
    email = fields.Email(required=True, validate=validate.Length(max=320))


class PortalSessionIn(_In):
    token = fields.String(required=True, validate=validate.Length(min=20, max=200),
                          metadata={"description": "from the emailed sign-in link"})


class PortalSessionOut(Schema):
    access_token = fields.String(metadata={"description": "a bearer token, for apps; the "
                                                          "browser uses the cookie"})
    token_type = fields.String()
    expires_in = fields.Integer()
    contact_id = fields.String()


class PortalMeOut(Schema):
    contact_id = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)


class PortalTicketIn(_In):
    subject = _name(300, required=True)
    description = _name(100_000, required=True)
    type = _one_of(TICKET_TYPES)
    language = fields.String(validate=validate.Length(min=2, max=10))


class PortalReplyIn(_In):
    body = _name(100_000, required=True)


class PortalTicketFilters(_Query):
    status = fields.List(_one_of(STATUSES))
    open = fields.Boolean()


class InboundEmailOut(Schema):
    ticket = fields.Nested(TicketOut)
    message = fields.Nested(MessageOut)
    created = fields.Boolean()
    duplicate = fields.Boolean()



class PortalMessageOut(Schema):
    id = fields.String()
    body = fields.String(allow_none=True)
    author_type = fields.String(metadata={"description": "agent, customer or system"})
    created_at = _out_time()


class PortalTicketOut(Schema):
    """What a contact sees of their ticket: no internal notes, assignees or SLA clocks."""

    id = fields.String()
    number = fields.String()
    subject = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    channel = fields.String()
    type = fields.String()
    priority = fields.String()
    status = fields.String()
    created_at = _out_time()
    updated_at = _out_time()
    solved_at = _out_time(allow_none=True)
    closed_at = _out_time(allow_none=True)
    messages = fields.List(fields.Nested(PortalMessageOut))


class PortalArticleOut(Schema):
    id = fields.String()
    title = fields.String()
    body = fields.String()
    category_id = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    published_at = _out_time(allow_none=True)
    score = fields.Float()
