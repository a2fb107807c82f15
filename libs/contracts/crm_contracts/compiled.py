"""A contract's `Schema.load` and `Schema.dump`, compiled into plain functions.

Every event is loaded by each of its consumers, and marshmallow's general machinery costs
about a quarter of a millisecond an event, as much as a consumer's database work. A
compiled loader walks the schema's fields once, ahead of time, and keeps for each the few
checks its type needs. It gives the same result as marshmallow for input that is plainly
valid (the right JSON types, every required field, values the validators accept); for
anything else (a wrong type, a missing field, an unknown one, a value a validator refuses)
it steps aside and marshmallow loads the input itself, so an error is always
marshmallow's own. A schema or field with anything not understood here (hooks, custom
attributes, dump-only fields) is loaded by marshmallow, field by field or whole.

A compiled dumper does what marshmallow's dump does for a dict (every producer dumps
what the contract loaded: a dict): each field's value by its name, its dump default when
it has none, then the field's own `_serialize`, or a shortcut for the plain types. Every
event recorded is loaded and dumped once by its producer; an import's carries 500
contacts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields
from marshmallow.decorators import VALIDATES_SCHEMA
from marshmallow.utils import missing

Loader = Callable[[Any], Any]


class _Unsure(Exception):
    """The fast path cannot vouch for this input: marshmallow decides."""


def schema_loader(schema: Schema) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`schema.load` as a function: compiled where possible, marshmallow's otherwise."""
    compiled = _compile(schema)
    if compiled is None:
        return schema.load

    def load(data: dict[str, Any]) -> dict[str, Any]:
        try:
            return compiled(data)
        except _Unsure:
            return schema.load(data)

    return load


def _compile(schema: Schema) -> Loader | None:
    """The schema's fast loader, or None when it uses what this module does not know."""
    checks = _schema_checks(schema)
    if checks is None or schema.unknown not in (EXCLUDE, RAISE) \
            or schema.many or schema.partial or schema.only or schema.exclude:
        return None
    plan = []
    for name, field in schema.fields.items():
        if field.dump_only or field.attribute not in (None, name):
            return None
        convert = _field_loader(field)
        if convert is None:
            return None
        plan.append((name, field.data_key or name, convert, field.required, field.allow_none,
                     field.load_default))
    keys = {key for _, key, *_ in plan}
    exclude_unknown = schema.unknown == EXCLUDE

    def load(data: Any) -> dict[str, Any]:
        if type(data) is not dict:
            raise _Unsure
        if not exclude_unknown and not keys.issuperset(data):
            raise _Unsure  # RAISE: marshmallow names the unknown fields
        out: dict[str, Any] = {}
        for name, key, convert, required, allow_none, default in plan:
            value = data.get(key, missing)
            if value is missing:
                if required:
                    raise _Unsure
                if default is not missing:
                    out[name] = default() if callable(default) else default
            elif value is None:
                if not allow_none:
                    raise _Unsure
                out[name] = None
            else:
                out[name] = convert(value)
        try:
            for check in checks:
                check(out, partial=None, many=False, unknown=schema.unknown)
        except ValidationError:
            raise _Unsure from None
        return out

    return load


def _schema_checks(schema: Schema) -> list[Callable[..., None]] | None:
    """The schema's `validates_schema` hooks that see one loaded dict (run after its fields
    loaded, as marshmallow runs them); None when it has hooks of any other kind."""
    hooks = type(schema)._hooks
    checks = []
    for key, registered in hooks.items():
        if not registered:
            continue
        if key != VALIDATES_SCHEMA:
            return None
        for name, pass_many, options in registered:
            if pass_many or options.get("pass_original"):
                return None
            checks.append(getattr(schema, name))
    return checks


def _field_loader(field: fields.Field) -> Loader | None:
    """One field's value (never None nor missing: the schema's loop handles those), or
    None when the field's schema cannot be compiled."""
    convert = _plain_loader(field)
    if convert is None or convert is _MARSHMALLOW:
        return None if convert is None else _by_marshmallow(field)
    validators = tuple(field.validators)
    if not validators:
        return convert

    def validated(value: Any) -> Any:
        output = convert(value)
        try:
            for validator in validators:
                validator(output)
        except ValidationError:
            raise _Unsure from None
        return output

    return validated


_MARSHMALLOW = object()  # a field left to marshmallow's own deserialize (and validators)


def _plain_loader(field: fields.Field) -> Loader | object | None:
    kind = type(field)
    if field.pre_load or field.post_load:
        return _MARSHMALLOW
    if kind is fields.String:
        return _exactly(str)
    if kind is fields.Integer:
        return _exactly(int)  # never a bool, never "5": marshmallow decides those
    if kind is fields.Boolean:
        return _boolean
    if kind is fields.Float and not field.allow_nan and not field.as_string:
        return _float
    if kind is fields.Dict and field.key_field is None and field.value_field is None:
        return _dict
    if kind is fields.Nested and not field.many and field.unknown is None \
            and field.only is None and not field.exclude:
        return _compile(field.schema)
    if kind is fields.List:
        inner = _field_loader(field.inner)
        return inner and _list(inner, field.inner.allow_none)
    iso = getattr(field, "format", "") in (None, "iso", "iso8601")  # read by `fromisoformat`
    if iso and kind in (fields.DateTime, fields.AwareDateTime):
        return _time(getattr(field, "default_timezone", None), kind is fields.DateTime)
    if iso and kind is fields.Date:
        return _iso(date)
    return _MARSHMALLOW  # naive times, decimals...: marshmallow's own code


def _exactly(kind: type) -> Loader:
    def load(value: Any) -> Any:
        if type(value) is not kind:
            raise _Unsure
        return value

    return load


def _boolean(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise _Unsure


def _float(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int:
        return float(value)
    raise _Unsure


def _dict(value: Any) -> dict:
    if type(value) is not dict:
        raise _Unsure
    return dict(value)


def _list(inner: Loader, allow_none: bool) -> Loader:
    def load(value: Any) -> list:
        if type(value) is not list:
            raise _Unsure
        out = []
        for item in value:
            if item is None:
                if not allow_none:
                    raise _Unsure
                out.append(None)
            else:
                out.append(inner(item))
        return out

    return load


def _iso(kind: type) -> Loader:
    def load(value: Any) -> Any:
        if type(value) is not str:
            raise _Unsure  # marshmallow takes a date or time object as it is
        try:
            return kind.fromisoformat(value)
        except ValueError:
            raise _Unsure from None

    return load


def _time(default_timezone, naive_allowed: bool) -> Loader:
    """A `DateTime` (any awareness) or an `AwareDateTime` (a naive time given the field's
    default zone, or refused without one) read from an ISO 8601 string."""
    parse = _iso(datetime)

    def load(value: Any) -> datetime:
        moment = parse(value)
        if moment.tzinfo is None and not naive_allowed:
            if default_timezone is None:
                raise _Unsure
            return moment.replace(tzinfo=default_timezone)
        return moment

    return load


def _by_marshmallow(field: fields.Field) -> Loader:
    def load(value: Any) -> Any:
        try:
            return field.deserialize(value)
        except ValidationError:
            raise _Unsure from None

    return load


# --- dumping ----------------------------------------------------------------------------------

Dumper = Callable[[Any, str, dict[str, Any]], Any]  # (value, attribute, the whole data)


def schema_dumper(schema: Schema) -> Callable[[Any], dict[str, Any]]:
    """`schema.dump` as a function: compiled for a dict where possible, marshmallow's
    otherwise."""
    compiled = _compile_dump(schema)
    if compiled is None:
        return schema.dump

    def dump(data: Any) -> dict[str, Any]:
        return compiled(data) if type(data) is dict else schema.dump(data)

    return dump


def _compile_dump(schema: Schema) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    if any(type(schema)._hooks.values()) or schema.many or schema.only or schema.exclude:
        return None
    plan = []
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        # marshmallow looks a missing key up as an attribute of the dict ("items"...).
        if not field._CHECK_ATTRIBUTE or "." in attribute or hasattr(dict, attribute):
            return None
        convert = _field_dumper(field)
        if convert is None:
            return None
        plan.append((attribute, field.data_key or name, convert, field.dump_default))

    def dump(data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attribute, key, convert, default in plan:
            value = data.get(attribute, missing)
            if value is missing:
                value = default() if callable(default) else default
                if value is missing:
                    continue
            out[key] = convert(value, attribute, data)
        return out

    return dump


def _field_dumper(field: fields.Field) -> Dumper | None:
    """One field's value as marshmallow's `_serialize` gives it, the plain types without
    its machinery; None when the field's schema cannot be compiled."""
    kind = type(field)
    serialize = field._serialize
    if kind is fields.String:
        return lambda value, attribute, data: (
            value if type(value) is str or value is None else serialize(value, attribute, data))
    if kind is fields.Nested and not field.many and field.only is None and not field.exclude:
        nested = _compile_dump(field.schema)
        return nested and (lambda value, attribute, data: (
            nested(value) if type(value) is dict else serialize(value, attribute, data)))
    if kind is fields.List:
        inner = _field_dumper(field.inner)
        return inner and (lambda value, attribute, data: (
            None if value is None else [inner(item, attribute, data) for item in value]))
    return serialize
