"""PostgreSQL transactions that cost no round trip of their own.

psycopg2 opens each transaction with a BEGIN sent on its own, and a read-only worker then
ends it with a ROLLBACK: a contact read was three round trips to the database (BEGIN,
SELECT, ROLLBACK) where one does the work. Here the driver's connection is in autocommit
mode and the chassis opens the transaction itself, lazily:

- a plain SELECT runs as it is, in a transaction of its own. Under READ COMMITTED, which the
  services run at, each statement of a transaction takes a fresh snapshot anyway, so a read
  sees the same whether or not a transaction is open around it;
- the first statement that writes, locks (FOR UPDATE, FOR SHARE, an advisory lock) or is not
  a SELECT is sent as ``BEGIN;`` and itself, in one round trip; everything after it is in
  that transaction, the reads included;
- COMMIT and ROLLBACK are sent only when a transaction was opened: a read-only worker ends
  without any;
- a statement whose result nobody reads (an outbox row, a change counter's bump) can be
  held to go out with the COMMIT, in its round trip (`send_with_commit`): a rollback, or a
  rollback to a savepoint taken before it, drops it.

So a read costs one round trip, and a write's BEGIN, events and counter bumps none of their
own.

A statement marked `prepared(...)` is also planned once per connection rather than on every
execution: its first execution on a connection sends `PREPARE` and `EXECUTE` together, the
next ones only `EXECUTE`. psycopg2 sends every statement as text, which PostgreSQL parses
and plans each time; for the deal a move reads (three tables joined) planning was four
fifths of the server's work. Only for statements whose best plan does not depend on the
values (rows by key, joins on ids): after five executions PostgreSQL may keep one generic
plan for all values, which a search by pattern would not want. A prepared statement lives
in its server session, so a pooler between the services and PostgreSQL must keep sessions
(PgBouncer's session mode), as a direct connection does.

SQLAlchemy still sees an ordinary transaction: the dialect below only decides what goes over
the wire. Setting an isolation level per connection is refused (it would turn the
driver's autocommit off), and server-side cursors (`stream_results`) would need psycopg2's
`withhold`: nothing uses them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from psycopg2.extensions import connection as DriverConnection
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.postgresql.psycopg2 import PGDialect_psycopg2

DRIVER = "crm_psycopg2"
registry.register(f"postgresql.{DRIVER}", __name__, "LazyBeginDialect")

PREPARED = "crm_prepared"  # the execution option `prepared` sets
# Prepared statements a connection keeps at most; then it forgets them all and starts again
# (a statement whose execution failed is prepared again under a new name: the old one may
# or may not exist, and PREPARE is not undone by a rollback).
MAX_PREPARED = 200

_PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_LOCKS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b|pg_advisory",
                    re.IGNORECASE)


@lru_cache(maxsize=2048)
def needs_transaction(statement: str) -> bool:
    """Whether a statement must run inside the transaction: all but plain reads."""
    return _PLAIN_READ.match(statement) is None or _LOCKS.search(statement) is not None


def must_open(dbapi_connection, statement: str) -> bool:
    """Whether the statement is the first of its transaction that needs one open."""
    return dbapi_connection.get_transaction_status() == TRANSACTION_STATUS_IDLE \
        and needs_transaction(statement)


def opened(dbapi_connection, statement: str) -> str:
    """The statement to send, prefixed with BEGIN when it opens the transaction (also for
    raw driver cursors, as `crm_chassis.bulk` uses)."""
    return "BEGIN;" + statement if must_open(dbapi_connection, statement) else statement


def prepared(statement):
    """The statement, to be planned once per connection (see above); SQLite ignores it."""
    return statement.execution_options(**{PREPARED: True})


def numbered(statement: str) -> tuple[str, tuple[str, ...]] | None:
    """The statement with `$1, $2...` for its named parameters, and their names in that
    order; None when it has a parameter of another form."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    text = _NAMED.sub(number, statement)
    return None if "%(" in text or re.search(r"%[^%]", text.replace("%%", "")) else \
        (text, tuple(names))


_NAMED = re.compile(r"%\((\w+)\)s")


class HoldingConnection(DriverConnection):
    """The driver's connection, with the statements held for its transaction's COMMIT and,
    for each savepoint, how many were held when it was taken; and for each statement
    prepared on it, the EXECUTE that runs it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.held: list[bytes] = []
        self.savepoints: dict[str, int] = {}
        self.prepared: dict[str, str] = {}
        self.prepared_count = 0


def _executed_prepared(cursor, statement: str, parameters: dict[str, Any]) -> bool:
    """Run the statement as a prepared one: PREPARE it first if this connection has not;
    False (nothing sent) when it cannot be."""
    connection = cursor.connection
    if not isinstance(connection, HoldingConnection):
        return False
    call = connection.prepared.get(statement)
    prepare = ""
    if call is None:
        form = numbered(statement)
        if form is None:
            return False
        text, names = form
        if connection.prepared_count >= MAX_PREPARED:
            prepare, connection.prepared_count = "DEALLOCATE ALL;", 0
            connection.prepared.clear()
        connection.prepared_count += 1
        name = f"crm_{connection.prepared_count}"
        prepare += f"PREPARE {name} AS {text};"
        call = f"EXECUTE {name}({', '.join(f'%({n})s' for n in names)})" if names \
            else f"EXECUTE {name}"
    begin = "BEGIN;" if must_open(connection, statement) else ""
    cursor.execute(begin + prepare + call, parameters)
    connection.prepared[statement] = call  # only once it ran: a failure prepares anew
    return True


def send_with_commit(dbapi_connection, statement: str, parameters=None) -> bool:
    """Hold a statement to go out with the transaction's COMMIT, in the same round trip;
    False (nothing held) when the connection is not one of this dialect's: send it now.
    Only for a statement whose result nobody reads: an error in it fails the commit."""
    if not isinstance(dbapi_connection, HoldingConnection):
        return False
    cursor = dbapi_connection.cursor()
    try:
        dbapi_connection.held.append(cursor.mogrify(statement, parameters))
    finally:
        cursor.close()
    return True


def _end(dbapi_connection, command: str) -> None:
    idle = dbapi_connection.get_transaction_status() == TRANSACTION_STATUS_IDLE
    # Copied and cleared, not replaced: SQLAlchemy's first connect hands the dialect a
    # proxy of the connection that reads its attributes but cannot set them.
    held = dbapi_connection.held[:]
    dbapi_connection.held.clear()
    dbapi_connection.savepoints.clear()
    if command == "COMMIT" and held:
        # A transaction that sent nothing but held statements still needs its BEGIN.
        _send(dbapi_connection, b";".join([b"BEGIN", *held, b"COMMIT"] if idle
                                          else [*held, b"COMMIT"]))
    elif not idle:
        _send(dbapi_connection, command)


def _send(dbapi_connection, statement) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


class LazyBeginDialect(PGDialect_psycopg2):
    supports_statement_cache = True

    def on_connect(self):
        inherited = super().on_connect()

        def connect(dbapi_connection) -> None:
            if inherited is not None:
                inherited(dbapi_connection)
            dbapi_connection.autocommit = True

        return connect

    def connect(self, *cargs, **cparams):
        return super().connect(*cargs, connection_factory=HoldingConnection, **cparams)

    def set_isolation_level(self, dbapi_connection, level) -> None:
        raise NotImplementedError(
            "crm_chassis engines run at the server's READ COMMITTED and open transactions "
            "themselves; a per-connection isolation level is not supported")

    def do_begin(self, dbapi_connection) -> None:
        pass  # the first statement that needs the transaction opens it

    def do_commit(self, dbapi_connection) -> None:
        _end(dbapi_connection, "COMMIT")

    def do_rollback(self, dbapi_connection) -> None:
        _end(dbapi_connection, "ROLLBACK")

    def do_savepoint(self, connection, name) -> None:
        driver = connection.connection.dbapi_connection
        driver.savepoints[name] = len(driver.held)
        super().do_savepoint(connection, name)

    def do_rollback_to_savepoint(self, connection, name) -> None:
        driver = connection.connection.dbapi_connection
        del driver.held[driver.savepoints.pop(name, len(driver.held)):]
        super().do_rollback_to_savepoint(connection, name)

    def do_execute(self, cursor, statement, parameters, context=None) -> None:
        if context is not None and context.execution_options.get(PREPARED) and \
                isinstance(parameters, dict) and \
                _executed_prepared(cursor, statement, parameters):
            return
        cursor.execute(opened(cursor.connection, statement), parameters)

    def do_execute_no_params(self, cursor, statement, context=None) -> None:
        cursor.execute(opened(cursor.connection, statement))

    def do_executemany(self, cursor, statement, parameters, context=None) -> None:
        # Each of the many executions would repeat a prefix: the BEGIN goes alone first.
        if must_open(cursor.connection, statement):
            cursor.execute("BEGIN")
        super().do_executemany(cursor, statement, parameters, context)
