"""The sales share of the unified customer views (contact 360, account 360)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sales.models import Activity, Opportunity, Order, Quote
from sales.operations.activities import activity_data
from sales.operations.opportunities import opportunity_data
from sales.operations.quotes import order_data, quote_data

LIMIT = 50


def customer_view(session: Session, field: str, record_id: str) -> dict[str, Any]:
    """`field` is `contact_id` or `account_id`; each part holds at most LIMIT rows."""

    def newest(model, *conditions, order=None):
        column = getattr(model, field)
        return session.scalars(select(model).where(column == record_id,
                                                   model.deleted_at.is_(None), *conditions)
                               .order_by(*(order or (model.created_at.desc(), model.id)))
                               .limit(LIMIT)).unique().all()

    when = Activity.due_at
    return {
        "opportunities": {
            "open": [opportunity_data(o) for o in newest(Opportunity,
                                                         Opportunity.status == "open")],
            "past": [opportunity_data(o) for o in newest(Opportunity,
                                                         Opportunity.status != "open")],
        },
        "quotes": [quote_data(q) for q in newest(Quote)],
        "orders": [order_data(o) for o in newest(Order)],
        "activities": {
            "upcoming": [activity_data(a) for a in newest(
                Activity, Activity.completed_at.is_(None),
                order=(when.is_(None), when.asc(), Activity.id))],
            "recent": [activity_data(a) for a in newest(
                Activity, Activity.completed_at.is_not(None),
                order=(Activity.completed_at.desc(), Activity.id))],
        },
    }
