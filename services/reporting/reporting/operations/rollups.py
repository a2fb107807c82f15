"""Daily rollups of the KPI families (operations/kpis.py), and the days that need a new one.

A write to a fact dirties the days it counted on before (read just before the write) and
those it counts on after, for every family of that fact's table: a deal whose expected
close date moves from November to December dirties both. A dirty day's rollup is computed
again from the facts when a dashboard (or the timer) needs it; its mark is removed only if
no write dirtied the day again meanwhile (`version`), so nothing written while a rollup
was being computed is left out of the next one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from crm_chassis.db import conflict_insert, is_postgres
from reporting.domain.periods import midnight
from reporting.models import DailyRollup, DirtyDay
from reporting.operations.kpis import FAMILIES, Window, add_up, kpis_of

# The families of each fact table, for marking.
_BY_TABLE: dict[Any, list[str]] = defaultdict(list)
for _name, _family in FAMILIES.items():
    _BY_TABLE[_family.model.__table__].append(_name)


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date()
    return value if isinstance(value, date) else None


# --- marking -----------------------------------------------------------------------------------


def mark_dirty(session: Session, touched: dict[Any, list[dict[str, Any]]]
               ) -> Callable[[], None] | None:
    """Before the rows `touched` ({table: rows about to be written}) are written: read the
    days their facts counted on so far and will count on. What marks them is returned, for
    the writer to run once the rows are written: every batch then locks fact rows before
    dirty days, never a dirty day first (PostgreSQL found batches that did deadlocked)."""
    dirty: set[tuple[str, date]] = set()
    for table, rows in touched.items():
        families = _BY_TABLE.get(table)
        if not families:
            continue
        columns = sorted({c for name in families for c in FAMILIES[name].days})
        before = session.execute(_current(session, table, columns, rows)).all()
        states = [dict(zip(columns, row, strict=True)) for row in before] + rows
        for name in families:
            for state in states:
                for column in FAMILIES[name].days:
                    if (day := _day(state.get(column))) is not None:
                        dirty.add((name, day))
    if not dirty:
        return None
    statement = conflict_insert(session, DirtyDay.__table__).on_conflict_do_update(
        index_elements=["family", "day"], set_={"version": DirtyDay.__table__.c.version + 1})
    days = [{"family": name, "day": day, "version": 1} for name, day in sorted(dirty)]
    return lambda: session.execute(statement, days)


def _current(session: Session, table, columns: list[str], rows: list[dict[str, Any]]):
    """The rows' day columns as they are now, locked on PostgreSQL: a concurrent batch
    writing one of them waits, then reads what this one wrote and marks its days too."""
    key = list(table.primary_key.columns)
    if len(key) == 1:
        matching = key[0].in_({row[key[0].name] for row in rows})
    else:
        matching = tuple_(*key).in_({tuple(row[c.name] for c in key) for row in rows})
    # In key order: two batches lock the rows they share in one order.
    query = select(*(table.c[c] for c in columns)).where(matching).order_by(*key)
    return query.with_for_update() if is_postgres(session) else query


EVERYONE = "*"  # the owner of the rollup rows that add up every owner's


def _stored(parts: dict[str, Any], currency: str) -> dict[str, Any]:
    """Added-up parts as a rollup row keeps them: the money of its one currency."""
    return {name: str(value[currency]) if isinstance(value, dict) and currency in value
            else (None if isinstance(value, dict) else value) for name, value in parts.items()}


# --- computing ---------------------------------------------------------------------------------


def _parts(row, money: tuple[str, ...]) -> dict[str, Any]:
    parts = {}
    for name, value in row._mapping.items():
        if isinstance(value, Decimal):
            value = str(value) if name in money else float(value)
        parts[name] = value
    return parts


def refresh(session: Session, name: str, day: date, version: int | None) -> None:
    """Compute the family's rollup of the day from the facts; then clear its mark, unless
    the day was dirtied again since `version` was read."""
    family = FAMILIES[name]
    rows = session.execute(family.parts(session, midnight(day),
                                        midnight(day + timedelta(days=1)))).all()
    table = DailyRollup.__table__
    session.execute(delete(table).where(table.c.family == name, table.c.day == day))
    values, totals = [], defaultdict(list)
    for row in rows:
        parts = _parts(row, family.money)
        owner, currency = parts.pop("owner") or "", parts.pop("currency") or ""
        if any(value for value in parts.values()):
            totals[currency].append((owner, currency, parts))
            if family.by_owner:
                values.append({"family": name, "day": day, "owner_id": owner,
                               "currency": currency, "parts": parts})
    # Everyone's parts in a row of their own: a dashboard of all owners reads one row a
    # day, not one per owner.
    for currency, owned in totals.items():
        values.append({"family": name, "day": day, "owner_id": EVERYONE, "currency": currency,
                       "parts": _stored(add_up(family, owned), currency)})
    if values:
        statement = conflict_insert(session, table)
        session.execute(statement.on_conflict_do_update(
            index_elements=["family", "day", "owner_id", "currency"],
            set_={"parts": statement.excluded.parts}), values)
    if version is not None:
        marks = DirtyDay.__table__
        session.execute(delete(marks).where(marks.c.family == name, marks.c.day == day,
                                            marks.c.version == version))


def dirty_days(session: Session, name: str, first: date, last: date,
               limit: int | None = None) -> list[tuple[date, int]]:
    """The family's dirty days in [first, last), oldest first, with their versions."""
    marks = DirtyDay.__table__
    query = select(marks.c.day, marks.c.version).where(
        marks.c.family == name, marks.c.day >= first, marks.c.day < last).order_by(marks.c.day)
    return list(session.execute(query.limit(limit) if limit else query).all())


def refresh_dirty(session: Session, name: str, first: date, last: date) -> None:
    """Compute again the rollups of the family's dirty days in [first, last)."""
    for day, version in dirty_days(session, name, first, last):
        refresh(session, name, day, version)


def measure(session: Session, names: set[str], w: Window) -> dict[str, tuple]:
    """{KPI key: (value, previous)} of every KPI of the families `names`, from their
    rollups (the dirty days of the window computed again first)."""
    first, last = w.period.previous().start.date(), w.period.end.date()
    values: dict[str, tuple] = {}
    for name in sorted(names):
        family = FAMILIES[name]
        start = date.min if family.cumulative else first
        refresh_dirty(session, name, start, last)
        table = DailyRollup.__table__
        query = select(table.c.day, table.c.owner_id, table.c.currency, table.c.parts).where(
            table.c.family == name, table.c.day >= start, table.c.day < last)
        query = query.where(table.c.owner_id == (
            w.owner_id if family.by_owner and w.owner_id else EVERYONE))
        days: dict[date, list] = defaultdict(list)
        for day, owner, currency, parts in session.execute(query):
            days[day].append((owner, currency, parts))
        values.update(kpis_of(name, days, w))
    return values


def refresh_some(session: Session, commit, limit: int = 200) -> int:
    """Compute again up to `limit` dirty days of each family, each in a transaction of its
    own (`commit` after each): the timer's share of the work, so that dashboards seldom
    find a dirty day, and never wait long for one it holds."""
    done = 0
    for name in FAMILIES:
        for day, version in dirty_days(session, name, date.min, date.max, limit):
            refresh(session, name, day, version)
            commit()
            done += 1
    return done
