"""Change counters: one number per kind of record that moves on every committed change.

A read that is costly to compute and read far more often than it changes (a pipeline's
board, an agent's queue) is kept by its reader together with the counter it was computed
under. Asking for the counter is one primary-key read; while it has not moved, nothing the
read depends on has, and the kept answer is still exact.

The counter is bumped in the transaction that makes the change, just before its commit,
so a reader never sees a changed record beside an unchanged counter; and it is bumped
last, so its row stays locked for the commit only, not while the transaction works. A
reader must read the counter *before* computing: the answer is then never older than the
counter it is kept under (at worst newer, which only costs a recomputation).

A counter is kept in `SHARDS` rows, and a writer bumps one of them at random: its value is
their sum, which moves on every change all the same. With a single row, every writer of a
kind of record queued for the previous one's commit: under 16 clients creating tickets,
most of the support service's transactions were found waiting on that row's lock.

Changes made through the ORM (flushes) and INSERT, UPDATE or DELETE statements run through
the session on a tracked model's table are both seen; a change written by raw SQL text is not.
"""

from __future__ import annotations

import random

from sqlalchemy import BigInteger, String, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_chassis import lazy_begin
from crm_chassis.db import Base, conflict_insert

_PENDING = "crm.changes.pending"  # session.info: counter names to bump at commit
SHARDS = 16


class ChangeCounter(Base):
    """A counter's row is created by its first change: a missing row reads as 0."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


_COUNTER_OF_TABLE: dict[str, str] = {}
_BUMP = ("INSERT INTO change_counters (name, value) VALUES (%s, 1) "
         "ON CONFLICT (name) DO UPDATE SET value = change_counters.value + 1")


def track(name: str, *models) -> None:
    """Bump counter row `name` whenever a transaction changes one of `models`."""
    table_names = {model.__table__.name for model in models}
    _COUNTER_OF_TABLE.update(dict.fromkeys(table_names, name))

    @event.listens_for(Session, "after_flush")
    def _flushed(session, _context) -> None:
        for instance in (*session.new, *session.dirty, *session.deleted):
            if type(instance) in models:
                _note(session, name)
                return

    @event.listens_for(Session, "do_orm_execute")
    def _bulk(state) -> None:
        if (state.is_insert or state.is_update or state.is_delete) and \
                getattr(state.statement.table, "name", None) in table_names:
            _note(state.session, name)



def written(session: Session, table_name: str) -> None:
    """A change made to a table behind the session's back (crm_chassis.bulk), counted as
    one made through it."""
    if table_name in _COUNTER_OF_TABLE:
        _note(session, _COUNTER_OF_TABLE[table_name])


def _shard_row(name: str, shard: int) -> str:
    """The row of one of a counter's shards: what `_bump` writes and `current` adds up."""
    return f"{name}#{shard}"


def _note(session: Session, name: str) -> None:
    session.info.setdefault(_PENDING, set()).add(name)


@event.listens_for(Session, "before_commit")
def _bump(session) -> None:
    session.flush()  # commit would flush after this hook: what it writes counts too
    if not session.info.get(_PENDING):
        return
    table = ChangeCounter.__table__
    rows = sorted(_shard_row(name, random.randrange(SHARDS))
                  for name in session.info.pop(_PENDING))
    driver = session.connection().connection.dbapi_connection
    for row in rows:  # sorted: two writers lock in one order
        # On PostgreSQL with the COMMIT, in its round trip: the row is locked for no longer.
        if not lazy_begin.send_with_commit(driver, _BUMP, (row,)):
            statement = conflict_insert(session, table).values(name=row, value=1)
            session.execute(statement.on_conflict_do_update(
                index_elements=[table.c.name], set_={"value": table.c.value + 1}))


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction) -> None:
    # Only when the whole transaction ends (a rolled-back savepoint's changes may still
    # commit with the rest: bumping for them costs one recomputation at most).
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def current(session: Session, name: str) -> int:
    """The counter's value now (0 when it never moved): the sum of its rows, with the single
    row that a counter was kept in before it had shards."""
    rows = [name, *(_shard_row(name, shard) for shard in range(SHARDS))]
    total = session.scalar(select(func.sum(ChangeCounter.value))
                           .where(ChangeCounter.name.in_(rows)))
    return int(total or 0)  # PostgreSQL sums a BIGINT as a NUMERIC
