"""The read models' writes, gathered and then applied as one statement per table and kind.

Every write of the projection commutes with the others (the newest state wins, the
earliest time wins, a value known once stays, a fact is inserted once), so the writes of
one event, or of a whole page of the event log, can be reduced per row first and sent
together: a rebuild then costs a few statements per page instead of a few per event,
and a row written twice in a page is sent once (which PostgreSQL's upsert requires).

Kinds of write, each an INSERT ... ON CONFLICT so that the row need not exist yet:
- `newest`: the row takes `values` when `key` is greater than what its `key_column`
  holds; `once` columns keep the first value they were given, `flags` stay true once true;
- `earliest`: a column keeps the earliest time any event gave it;
- `first`: a fact keyed by its id, inserted once;
- `then`: any other statement, run after all of those, in the order given.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, case, column, func, literal_column, or_, select
from sqlalchemy.orm import Session

from crm_chassis.bulk import json_value
from crm_chassis.db import conflict_insert


def _with_defaults(table, row: dict[str, Any]) -> dict[str, Any]:
    """The row with its columns' Python-side defaults (`json_populate_recordset` knows
    nothing of them)."""
    missing = {c.name: c.default.arg for c in table.columns if c.name not in row
               and c.default is not None and c.default.is_scalar}
    return {**row, **missing} if missing else row


@dataclass
class _Newest:
    key: str
    row: dict[str, Any]
    once: dict[str, Any]
    flags: dict[str, bool]


@dataclass
class Writes:
    session: Session
    # Called with {table: rows} before they are sent (the rollups read the days they count
    # on); what it returns is run once they are sent (the rollups mark those days).
    before_flush: Callable[[Session, dict[Any, list[dict[str, Any]]]],
                           Callable[[], None] | None] | None = None
    # {(table, key column, keys, value names, once names, flag names): {keys: _Newest}}
    _newest: dict[tuple, dict[tuple, _Newest]] = field(default_factory=dict)
    # {(table, keys, column, value names): {keys: row}}
    _earliest: dict[tuple, dict[tuple, dict[str, Any]]] = field(default_factory=dict)
    # {(table, column names): {primary key: row}}
    _first: dict[tuple, dict[tuple, dict[str, Any]]] = field(default_factory=dict)
    _then: list = field(default_factory=list)

    def newest(self, model, keys: dict[str, Any], key: str, values: dict[str, Any], *,
               key_column: str = "seen_key", once: dict[str, Any] | None = None,
               flags: dict[str, bool] | None = None) -> None:
        once, flags = once or {}, flags or {}
        group = self._newest.setdefault(
            (model.__table__, key_column, tuple(keys), tuple(values), tuple(once),
             tuple(flags)), {})
        ident = tuple(keys.values())
        held = group.get(ident)
        if held is None:
            group[ident] = _Newest(key, {**keys, key_column: key, **values}, dict(once),
                                   dict(flags))
            return
        if key > held.key:
            held.key, held.row = key, {**keys, key_column: key, **values}
        held.once = {name: held.once[name] if held.once[name] is not None else value
                     for name, value in once.items()}
        held.flags = {name: held.flags[name] or value for name, value in flags.items()}

    def earliest(self, model, keys: dict[str, Any], column: str, moment,
                 values: dict[str, Any] | None = None) -> None:
        """`values` are written only when the row is created by this write."""
        if moment is None:
            return
        values = values or {}
        group = self._earliest.setdefault(
            (model.__table__, tuple(keys), column, tuple(values)), {})
        ident = tuple(keys.values())
        held = group.get(ident)
        if held is None or moment < held[column]:
            group[ident] = {**(held or {**keys, **values}), column: moment}

    def first(self, model, values: dict[str, Any]) -> None:
        table = model.__table__
        group = self._first.setdefault((table, tuple(values)), {})
        group.setdefault(tuple(values[c.name] for c in table.primary_key.columns), values)

    def then(self, statement) -> None:
        self._then.append(statement)

    # --- sending them -----------------------------------------------------------------------

    def flush(self) -> None:
        groups = self._groups()
        after = None
        if self.before_flush is not None:
            touched: dict[Any, list[dict[str, Any]]] = defaultdict(list)
            for _, spec, rows in groups:
                touched[spec[0]] += rows
            after = self.before_flush(self.session, touched)
        for kind, spec, rows in groups:
            self._send(kind, spec, rows)
        for statement in self._then:
            self.session.execute(statement)
        if after is not None:
            after()
        self._newest, self._earliest, self._first, self._then = {}, {}, {}, []

    def _groups(self) -> list[tuple[str, tuple, list[dict[str, Any]]]]:
        """Every group of rows to write, in one order whatever the order of the events that
        made them: by table, then kind, each group's rows by key. Two batches applied at
        once then lock the rows they share in the same order, and never each wait for the
        other (in the order of their events, PostgreSQL found them deadlocked)."""
        groups = [("newest", spec, {ident: {**h.row, **h.once, **h.flags}
                                    for ident, h in rows.items()})
                  for spec, rows in self._newest.items()]
        groups += [("earliest", spec, rows) for spec, rows in self._earliest.items()]
        groups += [("first", spec, rows) for spec, rows in self._first.items()]
        groups.sort(key=lambda group: (group[1][0].name, _KINDS.index(group[0]),
                                       repr(group[1][1:])))
        return [(kind, spec, [rows[ident] for ident in sorted(rows, key=_sortable)])
                for kind, spec, rows in groups]

    def _send(self, kind: str, spec: tuple, rows: list[dict[str, Any]]) -> None:
        """One INSERT of every row of a group.

        On PostgreSQL, several rows go as one JSON parameter (`json_populate_recordset`):
        one statement and one round trip whatever their number, where executemany would
        make a round trip per row (SQLAlchemy batches no upsert). SQLite runs in-process,
        where executemany costs nothing more."""
        table = spec[0]
        rows = [_with_defaults(table, row) for row in rows]
        dialect = self.session.get_bind().dialect.name
        batched = dialect == "postgresql" and len(rows) > 1
        shape = (dialect, batched, kind, spec, tuple(rows[0]))
        statement = _STATEMENTS.get(shape)
        if statement is None:
            statement = _STATEMENTS[shape] = _build(self.session, batched, kind, spec,
                                                    list(rows[0]))
        if batched:
            self.session.execute(statement, {"rows": json.dumps(rows, default=json_value)})
        else:
            self.session.execute(statement, rows if len(rows) > 1 else rows[0])


_KINDS = ("newest", "earliest", "first")


def _sortable(ident: tuple) -> tuple:
    """A row's key as something every key compares with (a None, a date, a string)."""
    return tuple((value is None, str(value)) for value in ident)


# Each shape of statement is built once: building one costs more than sending it.
_STATEMENTS: dict[tuple, Any] = {}


def _build(session: Session, batched: bool, kind: str, spec: tuple, names: list[str]):
    table = spec[0]
    statement = conflict_insert(session, table)
    if batched:
        statement = statement.from_select(names, select(*(column(name) for name in names))
                                          .select_from(func.json_populate_recordset(
                                              literal_column(f"NULL::{table.name}"),
                                              bindparam("rows"))))
    if kind == "first":
        return statement.on_conflict_do_nothing()
    if kind == "earliest":
        _, keys, column_name, _ = spec
        return _keep_earliest(statement, table, keys, column_name)
    _, key_column, keys, values, once, flags = spec
    return _keep_newest(statement, table, keys, (key_column, *values), once, flags,
                        newer=table.c[key_column] < statement.excluded[key_column])


def _keep_newest(statement, table, keys: tuple, values: tuple, once: tuple, flags: tuple,
                 newer):
    new = statement.excluded
    set_ = {name: case((newer, new[name]), else_=table.c[name]) for name in values}
    set_.update({name: func.coalesce(table.c[name], new[name]) for name in once})
    set_.update({name: or_(table.c[name], new[name]) for name in flags})
    return statement.on_conflict_do_update(index_elements=list(keys), set_=set_)


def _keep_earliest(statement, table, keys: tuple, column_name: str):
    current, new = table.c[column_name], statement.excluded[column_name]
    return statement.on_conflict_do_update(index_elements=list(keys), set_={
        column_name: case((or_(current.is_(None), new < current), new), else_=current)})
