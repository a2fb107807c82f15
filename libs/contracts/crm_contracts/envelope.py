"""The envelope every event travels in, whatever its type and source."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

EVENT_TYPE = validate.Regexp(r"^[a-z][a-z_]*\.[a-z][a-z_]*$", error="not an event type")


class EnvelopeSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    type = fields.String(required=True, validate=EVENT_TYPE)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True, format="iso", default_timezone=UTC)
    source = fields.String(required=True, validate=validate.Length(min=1, max=64))
    correlation_id = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True)


def new_envelope(event_type: str, version: int, source: str, data: dict[str, Any],
                 correlation_id: str | None = None) -> dict[str, Any]:
    """An envelope as plain JSON types (strings for ids and times, never Python objects)."""
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "version": version,
        "occurred_at": datetime.now(UTC).isoformat(),
        "source": source,
        "correlation_id": correlation_id,
        "data": data,
    }
