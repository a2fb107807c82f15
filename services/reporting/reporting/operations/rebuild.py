"""Rebuilding the read models from the services' event logs.

`reset` empties every read model; `apply_page` then takes one page of a service's event
log (served by its `event_log` RPC, in order, with a cursor) and applies it exactly as the
consumers do. The caller (`crm reporting rebuild`) walks each log to its end. Live events
that arrive meanwhile are harmless: applying an event twice or late changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import delete
from sqlalchemy.orm import Session

from crm_contracts.registry import UnknownEvent, load_event
from reporting.models import READ_MODELS
from reporting.operations.projection import apply_all

log = logging.getLogger(__name__)

SOURCES = ("contacts", "sales", "support", "marketing")


def reset(session: Session) -> None:
    for model in READ_MODELS:
        session.execute(delete(model))


def apply_page(session: Session, source: str, page: dict[str, Any]) -> dict[str, Any]:
    """Every event of the page whose contract loads it, applied together (writes gathered
    and sent once per table: a rebuild is many pages)."""
    events, payloads, skipped = [], [], 0
    for item in page["items"]:
        envelope = {key: value for key, value in item.items() if key != "seq"}
        try:
            events.append(load_event(envelope))
        except (UnknownEvent, ValidationError, TypeError) as exc:
            log.warning("event %s of %s skipped in the rebuild: %s", item.get("id"), source,
                        exc)
            skipped += 1
            continue
        payloads.append(envelope["data"])
    apply_all(session, events, payloads)
    items = page["items"]
    return {"source": source, "applied": len(events), "skipped": skipped,
            "last_seq": items[-1]["seq"] if items else None,
            "next_cursor": page.get("next_cursor"), "head": page.get("head")}
