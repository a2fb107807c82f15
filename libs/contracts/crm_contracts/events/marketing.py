"""Events of the marketing service (exchange `marketing.events`).

Engagement events carry ids, never a person's address or a mail's words: an event
outlives an erasure. Money is a decimal string plus its ISO 4217 currency.
"""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from crm_contracts.registry import register

SOURCE = "marketing"

SEGMENT_KINDS = ("static", "dynamic")
CAMPAIGN_STATUSES = ("draft", "scheduled", "sending", "sent", "cancelled")
BOUNCE_KINDS = ("hard", "soft")
CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="an ISO 4217 currency code, e.g. EUR")


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class _Payload(Schema):
    # Consumers accept fields added later by a producer: adding a field is not a new version.
    class Meta:
        unknown = EXCLUDE


class _Membership(_Payload):
    segment_id = fields.String(required=True)
    segment_name = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(SEGMENT_KINDS))
    contact_id = fields.String(required=True)
    at = _time(required=True)


@register("segment.joined", 1, SOURCE)
class SegmentJoined(_Membership):
    """A contact entered a segment (its rules now match, or it was added to a list)."""


@register("segment.left", 1, SOURCE)
class SegmentLeft(_Membership):
    """A contact left a segment (its rules no longer match, removed, merged or erased)."""


class CampaignData(_Payload):
    id = fields.String(required=True)
    name = fields.String(required=True)
    segment_id = fields.String(required=True)
    template_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(CAMPAIGN_STATUSES))
    cost = fields.Decimal(as_string=True, allow_nan=False, required=True)
    budget = fields.Decimal(as_string=True, allow_nan=False, allow_none=True)
    currency = fields.String(required=True, validate=CURRENCY)
    scheduled_at = _time(allow_none=True)
    started_at = _time(allow_none=True)
    completed_at = _time(allow_none=True)
    version = fields.Integer(required=True)
    created_at = _time(required=True)
    updated_at = _time(required=True)


class _CampaignEvent(_Payload):
    campaign = fields.Nested(CampaignData, required=True)
    changed_by = fields.String(allow_none=True)


@register("campaign.scheduled", 1, SOURCE)
class CampaignScheduled(_CampaignEvent):
    pass


@register("campaign.started", 1, SOURCE)
class CampaignStarted(_CampaignEvent):
    recipients = fields.Integer(required=True)
    skipped_without_consent = fields.Integer(required=True)


@register("campaign.completed", 1, SOURCE)
class CampaignCompleted(_CampaignEvent):
    sent = fields.Integer(required=True)
    failed = fields.Integer(required=True)


@register("campaign.cancelled", 1, SOURCE)
class CampaignCancelled(_CampaignEvent):
    not_sent = fields.Integer(required=True)


class _EmailEvent(_Payload):
    campaign_id = fields.String(required=True)
    recipient_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    message_id = fields.String(required=True)
    at = _time(required=True)


@register("email.sent", 1, SOURCE)
class EmailSent(_EmailEvent):
    attempts = fields.Integer(required=True)


@register("email.failed", 1, SOURCE)
class EmailFailed(_EmailEvent):
    """Given up after the retries: the SMTP server kept refusing or was away."""

    attempts = fields.Integer(required=True)
    error = fields.String(required=True)


@register("email.opened", 1, SOURCE)
class EmailOpened(_EmailEvent):
    first = fields.Boolean(required=True)


@register("email.clicked", 1, SOURCE)
class EmailClicked(_EmailEvent):
    url = fields.String(required=True)
    first = fields.Boolean(required=True)


@register("email.bounced", 1, SOURCE)
class EmailBounced(_EmailEvent):
    kind = fields.String(required=True, validate=validate.OneOf(BOUNCE_KINDS))
    reason = fields.String(allow_none=True)


@register("email.unsubscribed", 1, SOURCE)
class EmailUnsubscribed(_EmailEvent):
    method = fields.String(required=True, validate=validate.OneOf(("link", "one_click")))


@register("lead.score_changed", 1, SOURCE)
class LeadScoreChanged(_Payload):
    contact_id = fields.String(required=True)
    score = fields.Integer(required=True)
    previous = fields.Integer(required=True)
    reason = fields.String(required=True)  # a rule's name, "decay" or "rules changed"
    at = _time(required=True)


@register("lead.qualified", 1, SOURCE)
class LeadQualified(_Payload):
    """The marketing to sales hand-off: the sales service opens an opportunity for the
    account's owner (else the contact's), sourced from `campaign_id` when one is known."""

    contact_id = fields.String(required=True)
    account_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    score = fields.Integer(required=True)
    threshold = fields.Integer(required=True)
    campaign_id = fields.String(allow_none=True)  # the last campaign the contact engaged with
    qualified_at = _time(required=True)


@register("form.submitted", 1, SOURCE)
class FormSubmitted(_Payload):
    """A web-to-lead form was filled in by a person (bots caught by the honeypot are not
    reported); the contact was created or updated through the contacts service."""

    form_id = fields.String(required=True)
    form_name = fields.String(required=True)
    submission_id = fields.String(required=True)
    contact_id = fields.String(required=True)
    created_contact = fields.Boolean(required=True)
    consent = fields.Boolean(required=True)
    utm_source = fields.String(allow_none=True)
    utm_medium = fields.String(allow_none=True)
    utm_campaign = fields.String(allow_none=True)
    at = _time(required=True)


@register("scenario.task_requested", 1, SOURCE)
class ScenarioTaskRequested(_Payload):
    """A nurturing scenario's step asks for a task for the contact's owner (else the
    account's): the sales service creates it."""

    scenario_id = fields.String(required=True)
    enrolment_id = fields.String(required=True)
    step = fields.Integer(required=True)
    contact_id = fields.String(required=True)
    account_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    subject = fields.String(required=True, validate=validate.Length(min=1, max=300))
    due_at = _time(required=True)
