"""Many rows inserted at once (an import's batch), at the driver's price.

SQLAlchemy's bulk INSERT costs a contact row 32 us of the service's CPU on PostgreSQL,
psycopg2's `execute_values` 13 us: on PostgreSQL the rows go through the latter, each
value converted by its column type's bind processor as SQLAlchemy converts it, in the
session's transaction. Elsewhere (SQLite) SQLAlchemy inserts them. Change counters
(crm_chassis.changes) count the rows either way; ORM events do not see them.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from crm_chassis import changes
from crm_chassis.db import is_postgres


def insert_rows(session: Session, model, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, column names) into `model`'s table."""
    if not rows:
        return
    if not is_postgres(session):
        session.execute(insert(model), rows)
        return
    table = model.__table__
    dialect = session.get_bind().dialect
    names = list(rows[0])
    convert = [(name, table.c[name].type.bind_processor(dialect)) for name in names]
    values = [tuple(row[name] if process is None else process(row[name])
                    for name, process in convert) for row in rows]
    quote = dialect.identifier_preparer
    statement = (f"INSERT INTO {quote.format_table(table)} "
                 f"({', '.join(quote.quote(name) for name in names)}) VALUES %s")
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        execute_values(cursor, statement, values, page_size=len(values))
    except dialect.loaded_dbapi.Error as error:  # as SQLAlchemy raises it: 409s still map
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from error
    finally:
        cursor.close()
    changes.written(session, table.name)
