"""Events of the support service (exchange `support.events`).

Each ticket travels with what reporting needs without calling back: channel, type,
priority, status, team and assignee, contact and account, times, SLA targets and
outcomes. Never its subject, description or messages, nor a survey's comment: they may
be about a person, and an event outlives an erasure.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from crm_contracts.registry import register

SOURCE = "support"

CHANNELS = ("api", "web_form", "email", "phone")
TYPES = ("question", "incident", "problem", "task")
PRIORITIES = ("low", "normal", "high", "urgent")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
SLA_TARGETS = ("first_response", "resolution")


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class _Payload(Schema):
    # Consumers accept fields added later by a producer: adding a field is not a new version.
    class Meta:
        unknown = EXCLUDE


class TicketData(_Payload):
    id = fields.String(required=True)
    number = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    priority = fields.String(required=True, validate=validate.OneOf(PRIORITIES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    tags = fields.List(fields.String(), load_default=list)
    vip = fields.Boolean(required=True)
    escalated = fields.Boolean(required=True)
    sla_policy_id = fields.String(allow_none=True)
    first_response_minutes = fields.Integer(allow_none=True)
    resolution_minutes = fields.Integer(allow_none=True)
    first_response_due_at = _time(allow_none=True)
    resolution_due_at = _time(allow_none=True)
    first_responded_at = _time(allow_none=True)
    first_response_breached = fields.Boolean(required=True)
    resolution_breached = fields.Boolean(required=True)
    solved_at = _time(allow_none=True)
    closed_at = _time(allow_none=True)
    version = fields.Integer(required=True)
    created_at = _time(required=True)
    updated_at = _time(required=True)


@register("ticket.created", 1, SOURCE)
class TicketCreated(_Payload):
    ticket = fields.Nested(TicketData, required=True)
    changed_by = fields.String(allow_none=True)


@register("ticket.assigned", 1, SOURCE)
class TicketAssigned(_Payload):
    ticket = fields.Nested(TicketData, required=True)
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    previous_team_id = fields.String(allow_none=True)
    previous_assignee_id = fields.String(allow_none=True)
    rule_id = fields.String(allow_none=True)  # the assignment rule that chose, if any
    changed_by = fields.String(allow_none=True)


@register("ticket.status_changed", 1, SOURCE)
class TicketStatusChanged(_Payload):
    ticket = fields.Nested(TicketData, required=True)
    from_status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    to_status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    changed_at = _time(required=True)
    changed_by = fields.String(allow_none=True)


@register("ticket.solved", 1, SOURCE)
class TicketSolved(_Payload):
    ticket = fields.Nested(TicketData, required=True)
    solved_at = _time(required=True)
    # Business minutes the targets took, and whether they were met.
    first_response_elapsed_minutes = fields.Float(allow_none=True)
    resolution_elapsed_minutes = fields.Float(allow_none=True)
    first_response_met = fields.Boolean(allow_none=True)
    resolution_met = fields.Boolean(allow_none=True)
    changed_by = fields.String(allow_none=True)


@register("ticket.sla_breached", 1, SOURCE)
class TicketSlaBreached(_Payload):
    ticket = fields.Nested(TicketData, required=True)
    target = fields.String(required=True, validate=validate.OneOf(SLA_TARGETS))
    target_minutes = fields.Integer(required=True)
    due_at = _time(required=True)
    breached_at = _time(required=True)
    # The escalation: the priority the ticket was raised to (null if it was already
    # urgent) and who is told: the team's manager.
    priority_raised_to = fields.String(allow_none=True, validate=validate.OneOf(PRIORITIES))
    team_id = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)


@register("csat.submitted", 1, SOURCE)
class CsatSubmitted(_Payload):
    ticket_id = fields.String(required=True)
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    has_comment = fields.Boolean(required=True)
    submitted_at = _time(required=True)
    contact_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    team_id = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    channel = fields.String(allow_none=True, validate=validate.OneOf(CHANNELS))
    priority = fields.String(allow_none=True, validate=validate.OneOf(PRIORITIES))


@register("ticket.upsell_flagged", 1, SOURCE)
class TicketUpsellFlagged(_Payload):
    ticket_id = fields.String(required=True)
    ticket_number = fields.String(required=True)
    account_id = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)  # the account's owner, when known
    # The agent's note for the sales rep, about the business opportunity.
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))
    flagged_by = fields.String(allow_none=True)
    flagged_at = _time(required=True)
