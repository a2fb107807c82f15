"""Lists with filters, sort and keyset (cursor) pagination, as contacts' lists do.

Keyset pagination reads `WHERE (sort, id) > (last sort, last id)`, so page 1,000 costs
what page 1 costs, and rows inserted meanwhile neither repeat nor vanish. A nullable sort
column sorts as if its empty values were far in the future.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

from crm_chassis.db import UTCDateTime
from crm_chassis.listing import decode_cursor, encode_cursor
from sales.exceptions import ValidationFailed

FAR_DATE = date(9999, 12, 31)
FAR_TIME = datetime(9999, 12, 31, tzinfo=UTC)

Filter = Callable[[Any], Any]


def equals(column) -> Filter:
    return lambda value: column.is_(None) if value in (None, "") else column == value


def on_or_after(column, parse) -> Filter:
    return lambda value: column >= parse(value)


def before(column, parse) -> Filter:
    return lambda value: column < parse(value)


def parse_time(value: Any, name: str = "filter") -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed("bad filter", {name: ["an ISO 8601 time"]}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_date(value: Any, name: str = "filter") -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed("bad filter", {name: ["a date, YYYY-MM-DD"]}) from None


def parse_bool(value: Any, name: str = "filter") -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ValidationFailed("bad filter", {name: ["true or false"]})


def conditions_for(filters: dict[str, Any], allowed: dict[str, Filter]) -> list:
    unknown = sorted(set(filters) - set(allowed))
    if unknown:
        raise ValidationFailed("unknown filter", {name: ["not a filter"] for name in unknown})
    conditions = []
    for name, value in filters.items():
        try:
            conditions.append(allowed[name](value))
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, {name: next(iter(exc.errors.values()))}) \
                from None
    return conditions


def page(session: Session, model, conditions: list, query: dict[str, Any],
         sorts: set[str]) -> tuple[list, str | None]:
    sort = query.get("sort") or "-created_at"
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    if name not in sorts:
        raise ValidationFailed("unknown sort", {"sort": [f"one of {', '.join(sorted(sorts))}"
                                                         ", with - for descending"]})
    column = getattr(model, name)
    key = _sort_key(column)
    conditions = list(conditions)
    if cursor := query.get("cursor"):
        raw, last_id = decode_cursor(cursor)
        value = _parse_sort_value(column, raw)
        after = (key < value) | and_(key == value, model.id < last_id) if descending \
            else (key > value) | and_(key == value, model.id > last_id)
        conditions.append(after)
    limit = query["limit"]
    rows = list(session.scalars(select(model).where(*conditions)
                                .order_by(*ordering(model, sort)).limit(limit + 1)).unique())
    return cut(model, sort, rows, limit)


def ordering(model, sort: str) -> tuple:
    """ORDER BY of a sort such as `-updated_at`: the column, then the id to break ties."""
    key = _sort_key(getattr(model, sort.lstrip("-")))
    return (key.desc(), model.id.desc()) if sort.startswith("-") else \
        (key.asc(), model.id.asc())


def cut(model, sort: str, rows: list, limit: int) -> tuple[list, str | None]:
    """The first `limit` of up to `limit + 1` rows read in `sort` order, and the cursor of
    the next page when there is one."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    name = sort.lstrip("-")
    return rows, encode_cursor(_dump_sort_value(getattr(model, name),
                                                getattr(rows[-1], name)), rows[-1].id)


def _kind(column) -> str:
    python_type = column.type.python_type if not isinstance(column.type, UTCDateTime) \
        else datetime
    if python_type is datetime:
        return "time"
    if python_type is date:
        return "date"
    return "text"


def _sort_key(column):
    kind = _kind(column)
    if not column.nullable:
        return column
    if kind == "time":
        return func.coalesce(column, literal(FAR_TIME, UTCDateTime()))
    if kind == "date":
        return func.coalesce(column, literal(FAR_DATE, column.type))
    return func.coalesce(column, "")


def _parse_sort_value(column, raw: Any) -> Any:
    kind = _kind(column)
    if kind == "time":
        return parse_time(raw, "cursor")
    if kind == "date":
        return parse_date(raw, "cursor")
    return str(raw)


def _dump_sort_value(column, value: Any) -> str:
    kind = _kind(column)
    if value is None:
        value = FAR_TIME if kind == "time" else FAR_DATE if kind == "date" else ""
    return value.isoformat() if isinstance(value, date) else str(value)
