"""Every event type's schema, looked up by (type, version)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from crm_contracts.compiled import schema_dumper, schema_loader
from crm_contracts.envelope import EnvelopeSchema

_SCHEMAS: dict[tuple[str, int], type[Schema]] = {}
_SOURCES: dict[str, str] = {}


class UnknownEvent(Exception):
    """An event whose type or version no schema describes: parked, never guessed at."""


def register(event_type: str, version: int, source: str):
    """Class decorator that makes a schema the contract of one event type and version."""

    def decorate(schema: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in _SCHEMAS:
            raise ValueError(f"{event_type} v{version} is registered twice")
        _SCHEMAS[key] = schema
        _SOURCES[event_type] = source
        return schema

    return decorate


_INSTANCES: dict[tuple[str, int], Schema] = {}
_LOADERS: dict[tuple[str, int], Any] = {}
_DUMPERS: dict[tuple[str, int], Any] = {}
# Built once: building one costs more than a load with it.
_load_envelope = schema_loader(EnvelopeSchema())


def schema_for(event_type: str, version: int) -> Schema:
    """The schema of one event type and version; one instance each, since building a
    schema costs more than using it and an import emits an event per row."""
    key = (event_type, version)
    if key not in _INSTANCES:
        _load_all()
        try:
            _INSTANCES[key] = _SCHEMAS[key]()
        except KeyError:
            raise UnknownEvent(f"no contract for {event_type} v{version}") from None
    return _INSTANCES[key]


def source_of(event_type: str) -> str:
    _load_all()
    try:
        return _SOURCES[event_type]
    except KeyError:
        raise UnknownEvent(f"no contract for {event_type}") from None


def latest_version(event_type: str) -> int:
    _load_all()
    versions = [version for (name, version) in _SCHEMAS if name == event_type]
    if not versions:
        raise UnknownEvent(f"no contract for {event_type}")
    return max(versions)


def event_types() -> list[tuple[str, int]]:
    _load_all()
    return sorted(_SCHEMAS)


def dump_data(event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Validate a producer's payload and return it as plain JSON types."""
    return _dumper(event_type, version)(_loader(event_type, version)(data))


def load_event(envelope: dict[str, Any]) -> dict[str, Any]:
    """Validate an incoming envelope and its data; raises UnknownEvent or ValidationError."""
    loaded = _load_envelope(envelope)
    loaded["data"] = _loader(loaded["type"], loaded["version"])(envelope["data"])
    return loaded


def dump(event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Loaded data as plain JSON types, as it travels."""
    return _dumper(event_type, version)(data)


def _dumper(event_type: str, version: int):
    key = (event_type, version)
    if key not in _DUMPERS:
        _DUMPERS[key] = schema_dumper(schema_for(event_type, version))
    return _DUMPERS[key]


def _loader(event_type: str, version: int):
    """The schema's load, compiled (crm_contracts.compiled): every consumer loads every
    event it gets, and every producer the events it emits."""
    key = (event_type, version)
    if key not in _LOADERS:
        _LOADERS[key] = schema_loader(schema_for(event_type, version))
    return _LOADERS[key]


def _load_all() -> None:
    # Importing the modules registers their schemas; done lazily to avoid import cycles.
    from crm_contracts import events  # noqa: F401
