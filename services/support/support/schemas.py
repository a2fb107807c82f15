"""What goes in and out of the support service, as marshmallow schemas.

Inputs are validated here even when the gateway validated them already: the service is
the authority on its records, and other services call it directly.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from crm_chassis.inputs import Input as _Input
from crm_chassis.inputs import ListQuery, OptionalId, load  # noqa: F401 - re-exported
from support.domain.assignment import STRATEGIES
from support.domain.business_time import check_hours, valid_timezone
from support.domain.sla import PRIORITIES, TIERS
from support.domain.tickets import CHANNELS, STATUSES, TYPES

AUTHOR_TYPES = ("agent", "customer")
ARTICLE_STATUSES = ("draft", "published")


def _short(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), allow_none=True, **kwargs)


def _name(length: int = 200, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=length), **kwargs)


def _tags(**kwargs) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=50)),
                       validate=validate.Length(max=50), **kwargs)


def _one_of(values, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(values), **kwargs)


# --- tickets -------------------------------------------------------------------------------

class TicketInput(_Input):
    subject = _name(300, required=True)
    description = _short(50_000)
    contact_id = OptionalId()
    account_id = OptionalId()
    channel = _one_of(CHANNELS, load_default="api")
    type = _one_of(TYPES, load_default="question")
    priority = _one_of(PRIORITIES, load_default="normal")
    tags = _tags(load_default=list)
    assignee_id = OptionalId(64)
    team_id = OptionalId()
    language = _short(10)


class TicketUpdate(_Input):
    subject = _name(300)
    description = _short(50_000)
    contact_id = OptionalId()
    account_id = OptionalId()
    type = _one_of(TYPES)
    priority = _one_of(PRIORITIES)
    tags = _tags()
    language = _short(10)


class StatusInput(_Input):
    status = _one_of(STATUSES, required=True)


class AssignInput(_Input):
    assignee_id = OptionalId(64)
    team_id = OptionalId()


class MessageInput(_Input):
    body = _name(100_000, required=True)
    public = fields.Boolean(load_default=True)
    author_type = _one_of(AUTHOR_TYPES, load_default="agent")


class PortalReply(_Input):
    body = _name(100_000, required=True)


class PortalTicketInput(_Input):
    subject = _name(300, required=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    type = _one_of(TYPES, load_default="question")
    language = _short(10)


class UpsellInput(_Input):
    note = _short(2000)


# --- SLA, calendars ------------------------------------------------------------------------

class SlaPolicyInput(_Input):
    name = _name(required=True)
    priority = _one_of(PRIORITIES, required=True)
    tier = _one_of(TIERS, load_default="default")
    first_response_minutes = fields.Integer(required=True, strict=True,
                                            validate=validate.Range(min=1, max=525_600))
    resolution_minutes = fields.Integer(required=True, strict=True,
                                        validate=validate.Range(min=1, max=525_600))
    calendar_id = _short(36)


class CalendarInput(_Input):
    name = _name()
    timezone = fields.String()
    hours = fields.Dict(keys=fields.String(), values=fields.List(fields.List(fields.String())))
    holidays = fields.List(fields.Date(), validate=validate.Length(max=1000))

    @validates_schema
    def _sound_calendar(self, data: dict[str, Any], **_kwargs) -> None:
        if "timezone" in data and not valid_timezone(data["timezone"]):
            raise ValidationError("an IANA time zone, e.g. Europe/Paris", "timezone")
        if "hours" in data and (problem := check_hours(data["hours"])):
            raise ValidationError(problem, "hours")


# --- teams, rules --------------------------------------------------------------------------

class TeamInput(_Input):
    name = _name(required=True)
    members = fields.List(fields.String(validate=validate.Length(min=1, max=64)),
                          load_default=list, validate=validate.Length(max=500))
    strategy = _one_of(STRATEGIES, load_default="round_robin")
    manager_id = _short(64)


class RuleConditions(_Input):
    types = fields.List(_one_of(TYPES))
    priorities = fields.List(_one_of(PRIORITIES))
    vip = fields.Boolean(allow_none=True)
    languages = fields.List(fields.String(validate=validate.Length(min=2, max=10)))
    keywords = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                           validate=validate.Length(max=100))


class RuleInput(_Input):
    name = _name(required=True)
    position = fields.Integer(strict=True, validate=validate.Range(min=0, max=100_000))
    team_id = fields.String(required=True)
    active = fields.Boolean(load_default=True)
    conditions = fields.Nested(RuleConditions, load_default=dict)


# --- knowledge base ------------------------------------------------------------------------

class CategoryInput(_Input):
    name = _name(required=True)
    description = _short(2000)


class ArticleInput(_Input):
    title = _name(300, required=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=200_000))
    category_id = OptionalId()
    status = _one_of(ARTICLE_STATUSES, load_default="draft")
    tags = _tags(load_default=list)


class SearchQuery(_Input):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    published_only = fields.Boolean(load_default=True)
    category_id = OptionalId()
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# --- CSAT ----------------------------------------------------------------------------------

class SurveyAnswer(_Input):
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    comment = _short(5000)
