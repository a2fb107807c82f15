"""One customer's facts, for the KPI part of a 360 view, in one query.

The KPIs of a customer (operations/reports.py `customer_kpis`) read six tables. One query
each cost the view six round trips, each with the driver's and the ORM's work around it,
for what is usually a handful of rows. Here the six are read by one UNION ALL: each table
puts the few columns the KPIs read into shared slots, and each row comes back as a small
named tuple with the same attribute names the KPI functions use on the full rows.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from crm_chassis.db import UTCDateTime
from crm_chassis.lazy_begin import prepared
from reporting.models import (
    ActivityFacts,
    ContactFacts,
    CsatFacts,
    OpportunityFacts,
    OrderFacts,
    TicketFacts,
    UpsellFlag,
)

# The slots every table fills, in order, and their types (one per slot for every table).
SLOTS = {"at1": UTCDateTime(), "at2": UTCDateTime(), "word1": String(), "word2": String(),
         "word3": String(), "number": Integer()}


class _Kind:
    """One table of the union: its rows, and the slot each attribute travels in."""

    def __init__(self, name: str, model, where: tuple, **attributes: str):
        self.name, self.model, self.where = name, model, where
        self.slot_of = attributes  # attribute -> slot
        self.row = namedtuple(name, list(attributes))

    def select(self, attribute: str):
        column_of = {slot: getattr(self.model, name) for name, slot in self.slot_of.items()}
        # An empty slot is a typed NULL: PostgreSQL types a bare one as text, which a later
        # table's integer or timestamp in the same slot could not be matched with.
        return select(literal(self.name, String).label("kind"), *(
            (type_coerce(column_of[slot], kind) if slot in column_of
             else cast(null(), kind)).label(slot)
            for slot, kind in SLOTS.items()
        )).where(getattr(self.model, attribute).in_(bindparam("record_ids", expanding=True)),
                 *self.where)

    def make(self, row) -> Any:
        return self.row(*(getattr(row, slot) for slot in self.slot_of.values()))


KINDS = (
    _Kind("orders", OrderFacts, (), currency="word1", total="word2", ordered_at="at1"),
    _Kind("activities", ActivityFacts, (ActivityFacts.type.is_not(None),),
          created_at="at1", completed_at="at2"),
    _Kind("tickets", TicketFacts, (TicketFacts.status.is_not(None),),
          status="word1", priority="word2"),
    _Kind("ratings", CsatFacts, (CsatFacts.rating.is_not(None),),
          rating="number", submitted_at="at1"),
    _Kind("upsell_flags", UpsellFlag, (), flagged_at="at1"),
    _Kind("deals", OpportunityFacts,
          (OpportunityFacts.deleted_at.is_(None), OpportunityFacts.status.is_not(None)),
          status="word1", currency="word2", amount="word3"),
)

_BY_NAME = {kind.name: kind for kind in KINDS}


@functools.cache
def _query(attribute: str):
    """Built once per attribute, with a bind parameter for the customer: SQLAlchemy then
    finds its compiled SQL in its cache instead of walking a new statement each time."""
    return prepared(union_all(*(kind.select(attribute) for kind in KINDS)))


def customer_facts(session: Session, attribute: str, record_ids: list[str]
                   ) -> dict[str, list]:
    """The rows of each table whose `attribute` ("account_id" or "contact_id") is one of
    `record_ids`, by table name ("orders", "activities", ...)."""
    found: dict[str, list] = {kind.name: [] for kind in KINDS}
    for row in session.execute(_query(attribute), {"record_ids": list(record_ids)}):
        found[row.kind].append(_BY_NAME[row.kind].make(row))
    return found


# Built once and prepared, as _query: every contact 360 asks both.
_ACCOUNT_OF = prepared(select(ContactFacts.account_id)
                       .where(ContactFacts.id == bindparam("contact_id")))
_MERGED_INTO = prepared(select(ContactFacts.id)
                        .where(ContactFacts.merged_into.in_(bindparam("ids", expanding=True))))


def account_of(session: Session, contact_id: str) -> str | None:
    return session.scalar(_ACCOUNT_OF, {"contact_id": contact_id})


def same_person(session: Session, contact_id: str) -> list[str]:
    """The contact and every contact merged into it, however long ago and through however
    many merges: their orders, tickets and ratings are the survivor's history now. Read
    here rather than moved on `contact.merged`, so an order event that comes after the
    merge counts for the survivor too."""
    family, frontier = [contact_id], [contact_id]
    while frontier:
        frontier = [one for one in session.scalars(_MERGED_INTO, {"ids": frontier})
                    if one not in family]
        family += frontier
    return family
