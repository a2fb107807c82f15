"""Reactions to the other services' events: each batch of them is applied to the read
models (operations/projection.py), and the chassis's `consumes` commits it together with
the record that its events were handled. Unknown types or versions never get here: the
chassis parks them in the dead-letter queue."""

from __future__ import annotations

from typing import Any

from reporting.operations.projection import apply_all


def record_events(uow, events: list[dict[str, Any]]) -> None:
    apply_all(uow.session, events)
