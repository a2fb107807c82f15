"""Lists with text search, filters, sort and keyset (cursor) pagination.

Keyset pagination reads `WHERE (sort, id) > (last sort, last id)`, so page 1,000 costs
what page 1 costs, and rows inserted meanwhile neither repeat nor vanish.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from contacts.domain.search import search_terms
from contacts.exceptions import ValidationFailed
from contacts.models import Account, Contact
from crm_chassis.listing import decode_cursor, encode_cursor, like_escape

CONTACT_SORTS = {"created_at", "updated_at", "last_name", "first_name", "email"}
ACCOUNT_SORTS = {"created_at", "updated_at", "name"}
CONTACT_FILTERS = {"account_id", "owner_id", "lifecycle_stage", "source", "country", "city",
                   "title", "email", "phone", "first_name", "last_name", "postal_code"}
ACCOUNT_FILTERS = {"owner_id", "industry", "tier", "size", "country", "city", "domain",
                   "name"}
TIME_FILTERS = {"created_after": ("created_at", ">="), "created_before": ("created_at", "<"),
                "updated_after": ("updated_at", ">="), "updated_before": ("updated_at", "<")}


def list_contacts(session: Session, query: dict[str, Any]) -> tuple[list[Contact], str | None]:
    conditions = [Contact.deleted_at.is_(None)]
    conditions += _filters(Contact, query["filters"], CONTACT_FILTERS)
    if tag := query["filters"].get("tag"):
        conditions.append(cast(Contact.tags, String).like(f'%{json.dumps(str(tag))}%'))
    terms = search_terms(query.get("q") or "")
    return _page(session, Contact, conditions, query, CONTACT_SORTS, terms)


def list_accounts(session: Session, query: dict[str, Any]) -> tuple[list[Account], str | None]:
    conditions = [Account.deleted_at.is_(None)]
    conditions += _filters(Account, query["filters"], ACCOUNT_FILTERS)
    if text := (query.get("q") or "").strip().lower():
        like = f"%{like_escape(text)}%"
        conditions.append(or_(Account.name_key.like(like, escape="\\"),
                              Account.domain.like(like, escape="\\")))
    return _page(session, Account, conditions, query, ACCOUNT_SORTS)


def _filters(model, filters: dict[str, Any], allowed: set[str]) -> list:
    unknown = sorted(set(filters) - allowed - set(TIME_FILTERS) - {"tag"})
    if unknown:
        raise ValidationFailed("unknown filter", {name: ["not a filter"] for name in unknown})
    conditions = []
    for name, value in filters.items():
        if name in TIME_FILTERS:
            column, operator = TIME_FILTERS[name]
            moment = _time(name, value)
            column = getattr(model, column)
            conditions.append(column >= moment if operator == ">=" else column < moment)
        elif name in allowed:
            column = getattr(model, name)
            conditions.append(column.is_(None) if value in (None, "") else column == value)
    return conditions


def _time(name: str, value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed("bad filter", {name: ["an ISO 8601 time"]}) from None


def _page(session: Session, model, conditions: list, query: dict[str, Any],
          sorts: set[str], terms: list[str] | None = None) -> tuple[list, str | None]:
    sort = query.get("sort") or "-created_at"
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in sorts:
        raise ValidationFailed("unknown sort", {"sort": [f"one of {', '.join(sorted(sorts))}"
                                                         ", with - for descending"]})
    key = _sort_key(model, name)
    if cursor := query.get("cursor"):
        value, last_id = decode_cursor(cursor)
        if name.endswith("_at"):
            value = _time("cursor", value)
        after = (key < value) | and_(key == value, model.id < last_id) if descending \
            else (key > value) | and_(key == value, model.id > last_id)
        conditions.append(after)
    limit = query["limit"]
    rows = _fetch(session, model, conditions, terms or [], name, descending, limit + 1)
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = getattr(rows[-1], name)
    last = last.isoformat() if isinstance(last, datetime) else (last or "")
    return rows, encode_cursor(last, rows[-1].id)


def _fetch(session: Session, model, conditions: list, terms: list[str], name: str,
           descending: bool, count: int) -> list:
    # With a partial index per sort order (migration 0001), the database reads a common
    # term's newest matches straight off that index, and a rare term's through the text
    # index: neither sorts every match.
    query = select(model).where(*conditions, *_contains(model, terms))
    return list(session.scalars(query.order_by(*_order(model, name, descending))
                                .limit(count)))


def _sort_key(entity, name: str):
    column = getattr(entity, name)
    return column if name.endswith("_at") else func.coalesce(column, "")


def _order(entity, name: str, descending: bool) -> tuple:
    key = _sort_key(entity, name)
    return (key.desc(), entity.id.desc()) if descending else (key.asc(), entity.id.asc())


def _contains(entity, terms: list[str]) -> list:
    return [entity.search_text.like(f"%{like_escape(term)}%", escape="\\") for term in terms]
