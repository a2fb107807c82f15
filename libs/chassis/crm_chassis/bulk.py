"""Many rows inserted at once (an import's batch, a consumer's batch), at the driver's price.

SQLAlchemy's executemany INSERT costs a contact row 32 us of the service's CPU on
PostgreSQL, psycopg2's `execute_values` 13 us; and the server parses and analyses a VALUES
list literal by literal (500 rows of 25 columns: 12,500 expressions), which psycopg2 quotes
one by one. So on PostgreSQL the rows go as one JSON document that the server takes apart
(`json_populate_recordset`). 500 contact-like rows into a table with six indexes: the
service 34-46 -> 20-24 us a row, PostgreSQL 48-51 -> 23-26; on the contacts table, whose
eleven indexes cost more than the parsing, much less (bench/HISTORY.md). Each value
is converted by its column type's bind processor as SQLAlchemy converts it (a JSON
column's value goes in as it is, nested); rows JSON cannot carry as SQLAlchemy would store
them (bytes, a JSON column's None, which SQLAlchemy stores as JSON null) go through
`execute_values`. All in the session's transaction; a driver error is raised as SQLAlchemy
raises it. Elsewhere (SQLite) SQLAlchemy inserts them. Change counters
(crm_chassis.changes) count the rows either way; ORM events do not see them.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg2.extras import execute_values
from sqlalchemy import JSON, Column, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crm_chassis import changes, lazy_begin
from crm_chassis.db import conflict_insert, is_postgres


def insert_rows(session: Session, model, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, column names) into `model`'s table."""
    if rows:
        _send(session, model.__table__, rows)


def insert_new_rows(session: Session, table: Table, rows: list[dict[str, Any]],
                    returning: Column) -> list:
    """INSERT ... ON CONFLICT DO NOTHING of several rows (each with the same columns) in one
    round trip; the `returning` column of each row inserted.

    The rows go in the order of their `returning` value (the key): two batches inserting
    some of the same keys at once then wait for each other's keys in one order, never each
    for the other's."""
    if not rows:
        return []
    return _send(session, table, sorted(rows, key=lambda row: str(row[returning.key])),
                 returning)


def insert_with_commit(session: Session, table: Table, row: dict[str, Any],
                       unless_taken: Column | None = None) -> bool:
    """One row to be inserted with the transaction's COMMIT, in its round trip, where the
    dialect can hold it (`lazy_begin.send_with_commit`); False elsewhere, and nothing done:
    the caller inserts it now. For rows nothing reads back before the commit (the outbox).
    With `unless_taken` (a unique column), a row whose value there is taken is skipped."""
    driver = session.connection().connection.dbapi_connection
    if not isinstance(driver, lazy_begin.HoldingConnection):
        return False
    dialect = session.get_bind().dialect
    names = list(row)
    [values] = _converted(table, names, [row], dialect)
    statement = _insert_into(table, names, dialect) + f"VALUES ({', '.join(['%s'] * len(names))})"
    if unless_taken is not None:
        statement += (f" ON CONFLICT ({dialect.identifier_preparer.quote(unless_taken.name)})"
                      " DO NOTHING")
    lazy_begin.send_with_commit(driver, statement, values)
    changes.written(session, table.name)
    return True


def _converted(table: Table, names: list[str], rows: list[dict[str, Any]], dialect) -> list:
    """Each row's values in `names` order, converted by their column type's bind processor
    as SQLAlchemy converts them."""
    convert = [(name, table.c[name].type.bind_processor(dialect)) for name in names]
    return [tuple(row[name] if process is None else process(row[name])
                  for name, process in convert) for row in rows]


def _insert_into(table: Table, names: list[str], dialect) -> str:
    quote = dialect.identifier_preparer
    return (f"INSERT INTO {quote.format_table(table)} "
            f"({', '.join(quote.quote(name) for name in names)}) ")


def _send(session: Session, table: Table, rows: list[dict[str, Any]],
          new_only: Column | None = None) -> list:
    """The one INSERT of the rows; with `new_only`, skipping those whose key is taken and
    returning that column of those inserted."""
    if not is_postgres(session):
        if new_only is None:
            session.execute(insert(table), rows)
            return []
        # executemany parameters: the statement is compiled once (a multi-row VALUES is
        # compiled again for each row count, and cost three times as much a batch).
        return list(session.scalars(
            conflict_insert(session, table).on_conflict_do_nothing().returning(new_only),
            rows))
    if session.autoflush:
        session.flush()  # as SQLAlchemy would first: rows may refer to pending ones
    dialect = session.get_bind().dialect
    names = list(rows[0])
    document = _document(table, names, rows, dialect)
    if document is None:
        statement = _insert_into(table, names, dialect) + "VALUES %s"
        values = _converted(table, names, rows, dialect)
    else:
        columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
        statement = (_insert_into(table, names, dialect) + f"SELECT {columns} FROM "
                     "json_populate_recordset(NULL::"
                     f"{dialect.identifier_preparer.format_table(table)}, %s)")
    if new_only is not None:
        statement += (" ON CONFLICT DO NOTHING RETURNING "
                      f"{dialect.identifier_preparer.quote(new_only.name)}")
    connection = session.connection().connection.dbapi_connection
    # One statement: it can open the transaction too.
    statement = lazy_begin.opened(connection, statement)
    cursor = connection.cursor()
    try:
        if document is None:
            returned = execute_values(cursor, statement, values, page_size=len(values),
                                      fetch=new_only is not None)
        else:
            cursor.execute(statement, (document,))
            returned = cursor.fetchall() if new_only is not None else []
    except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy raises it: 409s still map
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from error
    finally:
        cursor.close()
    if new_only is None or returned:
        changes.written(session, table.name)
    return [row[0] for row in returned] if new_only is not None else []


def _document(table: Table, names: list[str], rows: list[dict[str, Any]], dialect
              ) -> str | None:
    """The rows as one JSON array of objects, each value as SQLAlchemy would bind it; None
    when a value cannot travel so (see the module's text)."""
    nested = [name for name in names if isinstance(table.c[name].type, JSON)]
    if any(row[name] is None for row in rows for name in nested):
        return None
    convert = [(name, None if name in nested else table.c[name].type.bind_processor(dialect))
               for name in names]
    try:
        return json.dumps([{name: row[name] if process is None else process(row[name])
                            for name, process in convert} for row in rows],
                          default=json_value, allow_nan=False)  # as SQLAlchemy writes JSON
    except (TypeError, ValueError):
        return None


def json_value(value: Any) -> str:
    """`json.dumps`'s `default` for rows PostgreSQL takes apart (`json_populate_recordset`):
    a value JSON has no type for, as PostgreSQL reads it from text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
