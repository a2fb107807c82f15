"""What every service's lists share: opaque keyset cursors, LIKE patterns, and the short
lists of one customer read in one round trip."""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import String, func, literal, select, union_all
from sqlalchemy.orm import Session

from crm_chassis.lazy_begin import prepared
from crm_contracts.errors import ValidationFailed

# A section of a view: the id column of its rows, the conditions they meet, their order.
Section = tuple[Any, list, tuple]


def encode_cursor(last_value: Any, last_id: str) -> str:
    """Where a page ended, as the `next_cursor` a client sends back: the sort value and
    the id of its last row (the id breaks ties)."""
    raw = json.dumps([last_value, last_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, last_id = json.loads(base64.urlsafe_b64decode(padded))
        return value, str(last_id)
    except (ValueError, TypeError):
        raise ValidationFailed("bad cursor", {"cursor": ["not a cursor from this list"]}) \
            from None


def like_escape(text: str) -> str:
    """`text` as a literal inside a LIKE pattern with escape character backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class FirstIds:
    """The ids of the first `limit` rows of several lists, in order, in one query.

    A customer view shows several short lists (open deals, past deals, quotes...); most
    customers have few rows or none, so one UNION of ids costs less than one query per
    list, and only the lists that have rows need loading afterwards. Build it once, with
    bind parameters for what varies: SQLAlchemy then keys its compiled-SQL cache on the
    same statement object instead of walking a new one on every call.
    """

    def __init__(self, sections: dict[str, Section], limit: int):
        self.names = list(sections)
        members = []
        for name, (id_column, conditions, order) in sections.items():
            ranked = (select(literal(name, String).label("section"), id_column.label("id"),
                             func.row_number().over(order_by=order).label("position"))
                      .where(*conditions).order_by(*order).limit(limit).subquery())
            members.append(select(ranked))
        self.query = prepared(union_all(*members))  # planned once per connection

    def __call__(self, session: Session, **params: Any) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {name: [] for name in self.names}
        rows = session.execute(self.query, params).all()
        for section, record_id, _ in sorted(rows, key=lambda row: (row[0], row[2])):
            found[section].append(record_id)
        return found


def rows_by_id(session: Session, id_column, ids: list[str]) -> dict[str, Any]:
    """The rows whose `id_column` (e.g. `Ticket.id`) is one of `ids`, by id; no query when
    there are none."""
    if not ids:
        return {}
    rows = session.scalars(select(id_column.class_).where(id_column.in_(ids)))
    return {getattr(row, id_column.key): row for row in rows}


def in_order(by_id: dict[str, Any], ids: list[str]) -> list[Any]:
    """The rows of `ids` that were found (`rows_by_id`), in the order of `ids`."""
    return [by_id[i] for i in ids if i in by_id]
