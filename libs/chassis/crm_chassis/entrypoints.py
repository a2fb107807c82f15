"""Entrypoints as every service uses them."""

from __future__ import annotations

from typing import Any

from nameko.rpc import rpc as nameko_rpc

from crm_chassis.outbox import events_after
from crm_contracts.errors import CrmError

# Errors a service raises on purpose are answers, not crashes: logged as warnings.
rpc = nameko_rpc(expected_exceptions=(CrmError,))


class EventLog:
    """Mixin: serves the service's outbox as its ordered event log, for read-model rebuilds.
    The service must have `db = Database(...)`."""

    @rpc
    def event_log(self, cursor: int = 0, limit: int = 500) -> dict[str, Any]:
        limit = max(1, min(int(limit), 5000))
        items = events_after(self.db.session, int(cursor), limit)
        return {"items": items, "next_cursor": items[-1]["seq"] if len(items) == limit else None}
