"""The sales share of the unified customer views (contact 360, account 360)."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from crm_chassis import listing
from sales.models import Activity, Opportunity, Order, Quote
from sales.operations.activities import activity_data
from sales.operations.opportunities import opportunity_data
from sales.operations.quotes import order_data, quote_data

LIMIT = 50


def customer_view(session: Session, field: str, record_id: str) -> dict[str, Any]:
    """`field` is `contact_id` or `account_id`; each part holds at most LIMIT rows."""
    ids = _first_ids(field)(session, record_id=record_id)
    deals = listing.rows_by_id(session, Opportunity.id, ids["open"] + ids["past"])
    activities = listing.rows_by_id(session, Activity.id, ids["upcoming"] + ids["recent"])
    quotes = listing.rows_by_id(session, Quote.id, ids["quotes"])
    orders = listing.rows_by_id(session, Order.id, ids["orders"])

    def shown(rows: dict, name: str, data) -> list[dict[str, Any]]:
        return [data(row) for row in listing.in_order(rows, ids[name])]

    return {
        "opportunities": {"open": shown(deals, "open", opportunity_data),
                          "past": shown(deals, "past", opportunity_data)},
        "quotes": shown(quotes, "quotes", quote_data),
        "orders": shown(orders, "orders", order_data),
        "activities": {"upcoming": shown(activities, "upcoming", activity_data),
                       "recent": shown(activities, "recent", activity_data)},
    }


@functools.cache
def _first_ids(field: str) -> listing.FirstIds:
    record = bindparam("record_id")

    def section(model, *conditions, order=None) -> listing.Section:
        return (model.id, [getattr(model, field) == record, model.deleted_at.is_(None),
                           *conditions], order or (model.created_at.desc(), model.id))

    when = Activity.due_at
    return listing.FirstIds({
        "open": section(Opportunity, Opportunity.status == "open"),
        "past": section(Opportunity, Opportunity.status != "open"),
        "quotes": section(Quote),
        "orders": section(Order),
        "upcoming": section(Activity, Activity.completed_at.is_(None),
                            order=(when.is_(None), when.asc(), Activity.id)),
        "recent": section(Activity, Activity.completed_at.is_not(None),
                          order=(Activity.completed_at.desc(), Activity.id)),
    }, LIMIT)


def about_people(contact_ids: list[str]):
    """The activities about these people: theirs, and those on the deals whose contact they
    are. What the export holds and the erasure scrubs, alike."""
    their_deals = select(Opportunity.id).where(Opportunity.contact_id.in_(contact_ids))
    return or_(Activity.contact_id.in_(contact_ids), Activity.opportunity_id.in_(their_deals))


def personal_data(session: Session, contact_id: str) -> dict[str, Any]:
    """Everything this service holds about a person, for a subject access request: every
    deal, quote and order naming them and every activity on them or on their deals, deleted
    ones included (they are still held), oldest first."""
    def rows(model, condition) -> list:
        return list(session.scalars(select(model).where(condition)
                                    .order_by(model.created_at, model.id)))

    return {
        "opportunities": [opportunity_data(row) for row in rows(
            Opportunity, Opportunity.contact_id == contact_id)],
        "quotes": [quote_data(row) for row in rows(Quote, Quote.contact_id == contact_id)],
        "orders": [order_data(row) for row in rows(Order, Order.contact_id == contact_id)],
        "activities": [activity_data(row) for row in rows(Activity,
                                                          about_people([contact_id]))],
    }
