"""The public shapes of accounts and contacts, as the API documents and validates them.
The gateway's own: it never imports a service's schemas."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from crm_contracts.vocabulary import (
    ACCOUNT_SIZES,
    ACCOUNT_TIERS,
    CONSENT_CHANNELS,
    CONSENT_STATUSES,
    CUSTOM_FIELD_OBJECTS,
    CUSTOM_FIELD_TYPES,
    LIFECYCLE_STAGES,
)
from gateway.http import ListArgs

COUNTRY = validate.Regexp(r"^[A-Z]{2}$", error="an ISO 3166 two-letter country code, e.g. FR")


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=length), **kwargs)


class _In(Schema):
    class Meta:
        unknown = RAISE


class _RecordIn(_In):
    """What accounts and contacts both take: an address and custom fields."""

    address_line = _text(300)
    city = _text(100)
    postal_code = _text(20)
    country = fields.String(allow_none=True, validate=COUNTRY)
    custom_fields = fields.Dict(keys=fields.String())


class AccountIn(_RecordIn):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    domain = _text(253)
    industry = _text(100)
    tier = fields.String(allow_none=True, validate=validate.OneOf(ACCOUNT_TIERS))
    size = fields.String(allow_none=True, validate=validate.OneOf(ACCOUNT_SIZES))
    owner_id = _text(64)
    phone = _text(40)
    website = _text(300)


class AccountPatch(AccountIn):
    """A PATCH changes only the fields it sends."""

    name = fields.String(validate=validate.Length(min=1, max=200))


class _RecordOut(Schema):
    """What accounts and contacts both show: an address, custom fields, version, times."""

    address_line = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    custom_fields = fields.Dict()
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


class AccountOut(_RecordOut):
    id = fields.String()
    name = fields.String()
    domain = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    tier = fields.String(allow_none=True)
    size = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)


class ContactIn(_RecordIn):
    first_name = _text(100)
    last_name = _text(100)
    email = _text(320)
    phone = _text(40)
    title = _text(200)
    account_id = _text(36)
    owner_id = _text(64)
    lifecycle_stage = fields.String(allow_none=True, validate=validate.OneOf(LIFECYCLE_STAGES))
    source = _text(100)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=50)),
                       validate=validate.Length(max=50))


class ContactPatch(ContactIn):
    """A PATCH changes only the fields it sends."""


class ContactOut(_RecordOut):
    id = fields.String()
    first_name = fields.String(allow_none=True)
    last_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)
    owner_id = fields.String(allow_none=True)
    lifecycle_stage = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    merged_into_id = fields.String(allow_none=True)
    erased_at = fields.String(allow_none=True)


class ContactFilters(ListArgs):
    account_id = fields.String()
    owner_id = fields.String()
    lifecycle_stage = fields.String(validate=validate.OneOf(LIFECYCLE_STAGES))
    source = fields.String()
    country = fields.String()
    city = fields.String()
    title = fields.String()
    email = fields.String()
    tag = fields.String()
    created_after = fields.String()
    created_before = fields.String()
    updated_after = fields.String()
    updated_before = fields.String()


CONTACT_FILTERS = ("account_id", "owner_id", "lifecycle_stage", "source", "country", "city",
                   "title", "email", "tag", "created_after", "created_before",
                   "updated_after", "updated_before")


class AccountFilters(ListArgs):
    owner_id = fields.String()
    industry = fields.String()
    tier = fields.String(validate=validate.OneOf(ACCOUNT_TIERS))
    size = fields.String(validate=validate.OneOf(ACCOUNT_SIZES))
    country = fields.String()
    city = fields.String()
    domain = fields.String()
    created_after = fields.String()
    updated_after = fields.String()


ACCOUNT_FILTERS = ("owner_id", "industry", "tier", "size", "country", "city", "domain",
                   "created_after", "updated_after")


class ConsentIn(_In):
    channel = fields.String(required=True, validate=validate.OneOf(CONSENT_CHANNELS))
    status = fields.String(required=True, validate=validate.OneOf(CONSENT_STATUSES))
    source = _text(200)


class MergeIn(_In):
    other_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    choices = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.OneOf(
        ["this", "other"])), load_default=dict,
        metadata={"description": 'field -> "this" or "other"; custom fields as '
                                 '"custom_fields.<key>"'})


class CustomFieldIn(_In):
    object = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_OBJECTS))
    key = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z][a-z0-9_]{0,62}$", error="lower-case letters, digits and _, from a letter"))
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_TYPES))
    options = fields.List(fields.String(validate=validate.Length(min=1, max=100)))
    required = fields.Boolean()


class CustomFieldOut(Schema):
    id = fields.String()
    object = fields.String()
    key = fields.String()
    label = fields.String()
    type = fields.String()
    options = fields.List(fields.String())
    required = fields.Boolean()
    version = fields.Integer()
    created_at = fields.String()


class ImportForm(Schema):
    mapping = fields.String(metadata={"description": "JSON object: column header -> field"})
    dedup = fields.String(load_default="skip", validate=validate.OneOf(["skip", "update",
                                                                         "create"]))
    dry_run = fields.Boolean(load_default=False)
    format = fields.String(validate=validate.OneOf(["csv", "vcard"]))
