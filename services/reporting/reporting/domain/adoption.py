"""Adoption KPIs: how complete the customer data is, and who records what."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from reporting.domain.figures import rate
from reporting.domain.periods import Period


def completeness(records: Iterable) -> dict[str, Any]:
    live = [r for r in records if r.deleted_at is None and r.fields_total]
    filled = sum(r.filled for r in live)
    total = sum(r.fields_total for r in live)
    complete = sum(1 for r in live if r.filled == r.fields_total)
    return {"records": len(live), "fields_filled_rate": rate(filled, total),
            "complete_records_rate": rate(complete, len(live))}


def records_created(kinds: dict[str, Iterable], period: Period) -> list[dict[str, Any]]:
    """Per user, how many records of each kind they created in the period."""
    per: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(kinds, 0))
    for kind, records in kinds.items():
        for record in records:
            if period.contains(record.created_at) and record.created_by is not None:
                per[record.created_by][kind] += 1
    return [{"user_id": user, **per[user], "total": sum(per[user].values())}
            for user in sorted(per)]
