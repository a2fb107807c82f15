"""Events of the contacts service (exchange `contacts.events`)."""

from __future__ import annotations

from datetime import UTC

from marshmallow import EXCLUDE, Schema, fields, validate

from crm_contracts.registry import register
from crm_contracts.vocabulary import (
    ACCOUNT_TIERS,
    CONSENT_CHANNELS,
    CONSENT_STATUSES,
    LIFECYCLE_STAGES,
)

SOURCE = "contacts"


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class _Payload(Schema):
    # Consumers accept fields added later by a producer: adding a field is not a new version.
    class Meta:
        unknown = EXCLUDE


class _Record(_Payload):
    """What contacts and accounts both carry: an address, custom fields, version, times."""

    address_line = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    custom_fields = fields.Dict(load_default=dict)
    version = fields.Integer(required=True)
    created_at = _time(required=True)
    updated_at = _time(required=True)


class ContactData(_Record):
    id = fields.String(required=True)
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    lifecycle_stage = fields.String(allow_none=True, validate=validate.OneOf(LIFECYCLE_STAGES))
    source = fields.String(allow_none=True)
    tags = fields.List(fields.String(), load_default=list)


class AccountData(_Record):
    id = fields.String(required=True)
    name = fields.String(required=True)
    domain = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    tier = fields.String(allow_none=True, validate=validate.OneOf(ACCOUNT_TIERS))
    size = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


class _Changed(_Payload):
    changed_fields = fields.List(fields.String(), required=True)
    changed_by = fields.String(allow_none=True)


@register("contact.created", 1, SOURCE)
class ContactCreated(_Payload):
    contact = fields.Nested(ContactData, required=True)
    changed_by = fields.String(allow_none=True)


@register("contact.imported", 1, SOURCE)
class ContactsImported(_Payload):
    """The contacts one batch of an import created (up to 500), announced together instead
    of a `contact.created` each: consumers take each of them as they take a created contact."""

    contacts = fields.List(fields.Nested(ContactData), required=True)
    job_id = fields.String(required=True)
    changed_by = fields.String(allow_none=True)


@register("contact.updated", 1, SOURCE)
class ContactUpdated(_Changed):
    contact = fields.Nested(ContactData, required=True)


@register("contact.deleted", 1, SOURCE)
class ContactDeleted(_Payload):
    contact_id = fields.String(required=True)
    changed_by = fields.String(allow_none=True)


@register("contact.merged", 1, SOURCE)
class ContactMerged(_Payload):
    """`merged_id` no longer exists: every reference to it must now point at `surviving_id`."""

    surviving_id = fields.String(required=True)
    merged_id = fields.String(required=True)
    contact = fields.Nested(ContactData, required=True)
    changed_by = fields.String(allow_none=True)


@register("contact.erased", 1, SOURCE)
class ContactErased(_Payload):
    """GDPR erasure: consumers must remove every piece of personal data about the contact
    and about the contacts merged into it earlier (the same person), whichever of this
    event and their `contact.merged` a consumer takes in first."""

    contact_id = fields.String(required=True)
    merged_ids = fields.List(fields.String(), load_default=list)
    changed_by = fields.String(allow_none=True)


@register("account.created", 1, SOURCE)
class AccountCreated(_Payload):
    account = fields.Nested(AccountData, required=True)
    changed_by = fields.String(allow_none=True)


@register("account.updated", 1, SOURCE)
class AccountUpdated(_Changed):
    account = fields.Nested(AccountData, required=True)


@register("account.deleted", 1, SOURCE)
class AccountDeleted(_Payload):
    account_id = fields.String(required=True)
    changed_by = fields.String(allow_none=True)


@register("consent.changed", 1, SOURCE)
class ConsentChanged(_Payload):
    contact_id = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CONSENT_CHANNELS))
    status = fields.String(required=True, validate=validate.OneOf(CONSENT_STATUSES))
    source = fields.String(allow_none=True)
    recorded_at = _time(required=True)
    changed_by = fields.String(allow_none=True)
