"""What goes in and out of the contacts service, as marshmallow schemas.

Inputs are validated here even when the gateway validated them already: the service is
the authority on its records, and other services call it directly.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from crm_chassis.inputs import Input as _Input
from crm_chassis.inputs import ListQuery, OptionalId, load  # noqa: F401 - re-exported
from crm_contracts.vocabulary import (
    ACCOUNT_SIZES,
    ACCOUNT_TIERS,
    CONSENT_CHANNELS,
    CONSENT_STATUSES,
    CUSTOM_FIELD_OBJECTS,
    CUSTOM_FIELD_TYPES,
    LIFECYCLE_STAGES,
)

Text = fields.String


def _short(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), allow_none=True, **kwargs)


def _time(**kwargs):
    return fields.AwareDateTime(format="iso", default_timezone=UTC, **kwargs)


class _RecordInput(_Input):
    """What accounts and contacts both take: an address and custom fields."""

    address_line = _short(300)
    city = _short(100)
    postal_code = _short(20)
    country = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Z]{2}$",
                            error="an ISO 3166 two-letter country code, e.g. FR"))
    custom_fields = fields.Dict(keys=fields.String())


class AccountInput(_RecordInput):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    domain = _short(253)
    industry = _short(100)
    tier = fields.String(allow_none=True, validate=validate.OneOf(ACCOUNT_TIERS))
    size = fields.String(allow_none=True, validate=validate.OneOf(ACCOUNT_SIZES))
    owner_id = OptionalId(64)
    phone = _short(40)
    website = _short(300)


class ContactInput(_RecordInput):
    first_name = _short(100)
    last_name = _short(100)
    email = _short(320)
    phone = _short(40)
    title = _short(200)
    account_id = OptionalId()
    owner_id = OptionalId(64)
    lifecycle_stage = fields.String(allow_none=True, validate=validate.OneOf(LIFECYCLE_STAGES))
    source = _short(100)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=50)),
                       validate=validate.Length(max=50))

    @validates_schema
    def _someone(self, data: dict[str, Any], partial=None, **_kwargs) -> None:
        if partial:
            return
        if not any(data.get(name) for name in ("first_name", "last_name", "email")):
            raise ValidationError("a contact needs a name or an email", "last_name")


class _RecordOutput(Schema):
    """What accounts and contacts both show: an address, custom fields, version, times."""

    address_line = Text(allow_none=True)
    city = Text(allow_none=True)
    postal_code = Text(allow_none=True)
    country = Text(allow_none=True)
    custom_fields = fields.Dict()
    version = fields.Integer()
    created_at = _time()
    updated_at = _time()


class AccountOutput(_RecordOutput):
    id = Text()
    name = Text()
    domain = Text(allow_none=True)
    industry = Text(allow_none=True)
    tier = Text(allow_none=True)
    size = Text(allow_none=True)
    owner_id = Text(allow_none=True)
    phone = Text(allow_none=True)
    website = Text(allow_none=True)


class ContactOutput(_RecordOutput):
    id = Text()
    first_name = Text(allow_none=True)
    last_name = Text(allow_none=True)
    email = Text(allow_none=True)
    phone = Text(allow_none=True)
    title = Text(allow_none=True)
    account_id = Text(allow_none=True)
    owner_id = Text(allow_none=True)
    lifecycle_stage = Text(allow_none=True)
    source = Text(allow_none=True)
    tags = fields.List(Text())
    merged_into_id = Text(allow_none=True)
    erased_at = _time(allow_none=True)


class ConsentInput(_Input):
    channel = fields.String(required=True, validate=validate.OneOf(CONSENT_CHANNELS))
    status = fields.String(required=True, validate=validate.OneOf(CONSENT_STATUSES))
    source = _short(200)


class ConsentOutput(Schema):
    id = Text()
    contact_id = Text()
    channel = Text()
    status = Text()
    source = Text(allow_none=True)
    recorded_at = _time()
    recorded_by = Text(allow_none=True)


class CustomFieldInput(_Input):
    object = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_OBJECTS))
    key = fields.String(required=True)
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_TYPES))
    options = fields.List(fields.String(validate=validate.Length(min=1, max=100)),
                          load_default=list)
    required = fields.Boolean(load_default=False)


class CustomFieldOutput(Schema):
    id = Text()
    object = Text()
    key = Text()
    label = Text()
    type = Text()
    options = fields.List(Text())
    required = fields.Boolean()
    version = fields.Integer()
    created_at = _time()


class MergeInput(_Input):
    other_id = fields.String(required=True)
    choices = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class ImportOptions(_Input):
    format = fields.String(load_default="csv", validate=validate.OneOf(["csv", "vcard"]))
    filename = _short(300)
    mapping = fields.Dict(keys=fields.String(), allow_none=True, load_default=None)
    dedup = fields.String(load_default="skip", validate=validate.OneOf(["skip", "update",
                                                                         "create"]))
    dry_run = fields.Boolean(load_default=False)
    owner_id = OptionalId(64)


class ImportJobOutput(Schema):
    class Meta:
        unknown = EXCLUDE

    id = Text()
    status = Text()
    format = Text()
    filename = Text(allow_none=True)
    dedup = Text()
    dry_run = fields.Boolean()
    total = fields.Integer()
    processed = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    skipped = fields.Integer()
    failed = fields.Integer()
    error = Text(allow_none=True)
    created_at = _time()
    updated_at = _time()
    finished_at = _time(allow_none=True)
