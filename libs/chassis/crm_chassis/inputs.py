"""What every service's RPC inputs share: schemas that refuse unknown fields, the list
query, and loading an input as the contract's ValidationFailed naming each field (text no
database can store included: see crm_contracts.text)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from crm_contracts.compiled import schema_loader
from crm_contracts.errors import ValidationFailed
from crm_contracts.text import unstorable


class Input(Schema):
    class Meta:
        unknown = RAISE


class ListQuery(Input):
    q = fields.String(validate=validate.Length(max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    cursor = fields.String(allow_none=True)
    sort = fields.String(load_default="-created_at")
    filters = fields.Dict(keys=fields.String(), load_default=dict)


class OptionalId(fields.String):
    """The id of another record, or none. An empty string, what a form sends for a cleared
    choice, is none: kept as "", it passed every `if ...:` lookup and then failed the
    foreign key, or pointed at a record that cannot exist."""

    def __init__(self, length: int = 36, **kwargs):
        super().__init__(allow_none=True, **kwargs)
        self.length = length

    def _deserialize(self, value, attr, data, **kwargs) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if len(text) > self.length:
            raise ValidationError(f"Longer than maximum length {self.length}.")
        return text or None


def load(schema: Schema, data: Any, *, partial: bool = False) -> dict[str, Any]:
    """Validate input, raising the contract's ValidationFailed with per-field messages."""
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", {"_schema": ["not an object"]})
    if errors := unstorable(data):
        raise ValidationFailed("the input holds text that cannot be stored", errors)
    try:
        return schema.load(data, partial=True) if partial else _loader(schema)(data)
    except ValidationError as exc:
        messages = exc.messages
        raise ValidationFailed("the input is not valid", messages if isinstance(
            messages, dict) else {"_schema": messages}) from None


_LOADERS: WeakKeyDictionary[Schema, Callable[[Any], dict[str, Any]]] = WeakKeyDictionary()


def _loader(schema: Schema) -> Callable[[Any], dict[str, Any]]:
    """The schema's load, compiled once (crm_contracts.compiled): every call of every
    service loads its input, and an import each of its rows."""
    if schema not in _LOADERS:
        _LOADERS[schema] = schema_loader(schema)
    return _LOADERS[schema]
