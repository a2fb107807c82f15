"""Reactions to the other services' events: each one applies the event to the read models
(operations/projection.py) and lets the chassis's `consumes` commit it together with the
record that the event was handled. Unknown types or versions never get here: the chassis
parks them in the dead-letter queue."""

from __future__ import annotations

from typing import Any

from reporting.operations.projection import apply


def record_event(uow, event: dict[str, Any]) -> None:
    apply(uow.session, event)
