"""Custom field definitions, and the validation of custom values on every write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from contacts.domain.custom_fields import (
    FieldDefinition,
    validate_custom_fields,
    validate_definition,
)
from contacts.exceptions import Conflict, NotFound, ValidationFailed
from contacts.models import CustomFieldDefinition
from crm_chassis.lazy_begin import prepared
from crm_chassis.records import flush

CACHE = "crm.custom_field_definitions"


_table = CustomFieldDefinition.__table__
# Built once and prepared: every new contact or account is checked against them.
_DEFINITIONS_OF = prepared(
    select(_table.c.key, _table.c.label, _table.c.type, _table.c.options, _table.c.required)
    .where(_table.c.object == bindparam("obj")).order_by(_table.c.key))


def definitions(session: Session, obj: str) -> list[FieldDefinition]:
    """The definitions for one object, read once per session: an import validates every
    row against them, and a worker's session is short-lived."""
    cache = session.info.setdefault(CACHE, {})
    if obj not in cache:
        rows = session.execute(_DEFINITIONS_OF, {"obj": obj})
        cache[obj] = [FieldDefinition(key, label, kind, tuple(options), required)
                      for key, label, kind, options, required in rows]
    return cache[obj]


def list_definitions(session: Session, obj: str | None) -> list[CustomFieldDefinition]:
    query = select(CustomFieldDefinition).order_by(CustomFieldDefinition.object,
                                                   CustomFieldDefinition.key)
    if obj:
        query = query.where(CustomFieldDefinition.object == obj)
    return list(session.scalars(query))


def create_definition(session: Session, data: dict[str, Any]) -> CustomFieldDefinition:
    errors = validate_definition(data["key"], data["label"], data["type"],
                                 tuple(data["options"]), data["required"])
    if errors:
        raise ValidationFailed("the custom field definition is not valid", errors)
    row = CustomFieldDefinition(**data)
    session.add(row)
    session.info.pop(CACHE, None)
    try:
        flush(session)
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a custom field {data['key']!r} already exists on {data['object']}")\
            from None
    return row


def delete_definition(session: Session, definition_id: str) -> CustomFieldDefinition:
    row = session.get(CustomFieldDefinition, definition_id)
    if row is None:
        raise NotFound(f"no custom field {definition_id}")
    session.delete(row)
    session.info.pop(CACHE, None)
    return row


def clean_values(session: Session, obj: str, values: dict[str, Any] | None,
                 current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The custom values after a write, validated against today's definitions."""
    merged = {**(current or {}), **(values or {})}
    clean, errors = validate_custom_fields(definitions(session, obj), merged)
    if errors:
        raise ValidationFailed("custom fields are not valid",
                               {"custom_fields": errors})
    return {key: value for key, value in clean.items() if value is not None}
