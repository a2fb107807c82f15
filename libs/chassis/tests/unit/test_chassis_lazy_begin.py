"""lazy_begin: a read costs one round trip, a write's transaction opens with its first write,
and a transaction is still one: atomic, invisible until its commit, its locks held until it
ends (PostgreSQL only: SQLite's engine is SQLAlchemy's own)."""

from __future__ import annotations

import psycopg2.extensions
import pytest
from sqlalchemy import String, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from crm_chassis import lazy_begin
from crm_chassis.bulk import insert_rows, insert_with_commit
from crm_chassis.db import make_engine
from crm_chassis.lazy_begin import needs_transaction, prepared, send_with_commit


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "probe_lazy_notes"
    id: Mapped[str] = mapped_column(String(10), primary_key=True)
    text: Mapped[str | None] = mapped_column(String(50))


SENT: list[str] = []


class _Recording(psycopg2.extensions.cursor):
    """Notes every statement sent to the server, those the dialect sends itself included."""

    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's own name
        SENT.append(query if isinstance(query, str) else query.decode())
        return super().execute(query, vars)


@pytest.fixture
def engine(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("lazy_begin is PostgreSQL's dialect; SQLite runs SQLAlchemy's own")
    engine = make_engine(database_url, connect_args={"cursor_factory": _Recording})
    Base.metadata.create_all(engine)
    SENT.clear()
    yield engine
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def other(engine):
    """A second connection, of another worker."""
    with engine.connect() as connection:
        yield connection


def _count(connection) -> int:
    return connection.scalar(select(text("count(*)")).select_from(Note.__table__))


def test_a_read_only_worker_sends_its_reads_and_nothing_else(engine):
    with Session(engine) as session:
        session.get(Note, "n1")
        session.scalars(select(Note)).all()
        driver = session.connection().connection.dbapi_connection
        assert driver.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE
        session.commit()
    assert len(SENT) == 2, SENT
    assert all(statement.lstrip().startswith("SELECT") for statement in SENT)


def test_the_first_write_opens_the_transaction_in_its_own_round_trip(engine):
    with Session(engine) as session:
        session.get(Note, "n1")
        session.add(Note(id="n1", text="a"))
        session.flush()
        session.get(Note, "n1", populate_existing=True)
        session.commit()
    assert [statement.split()[0] for statement in SENT] == [
        "SELECT", "BEGIN;INSERT", "SELECT", "COMMIT"]


def test_a_transaction_is_invisible_until_its_commit_and_undone_by_its_rollback(engine, other):
    with Session(engine) as session:
        session.add_all([Note(id="n1"), Note(id="n2")])
        session.flush()
        assert _count(other) == 0
        session.rollback()
    assert _count(other) == 0

    with Session(engine) as session:
        session.execute(insert(Note), [{"id": "n3", "text": None}, {"id": "n4", "text": "x"}])
        assert _count(other) == 0
        session.commit()
    assert _count(other) == 2


def test_a_bulk_insert_that_opens_the_transaction_is_part_of_it(engine, other):
    # As a consumer's batch claim is: its first statement, through a raw driver cursor.
    with Session(engine) as session:
        insert_rows(session, Note, [{"id": "c1", "text": None}])
        session.add(Note(id="c2"))
        session.flush()
        session.rollback()
    assert _count(other) == 0


def test_locks_taken_by_a_read_are_held_until_the_transaction_ends(engine, other):
    with Session(engine) as session:
        session.add(Note(id="n1"))
        session.commit()
    SENT.clear()
    with Session(engine) as session:
        session.scalars(select(Note).with_for_update()).all()
        session.execute(text("SELECT pg_advisory_xact_lock(42)"))
        assert other.scalar(text("SELECT pg_try_advisory_lock(42)")) is False
        with pytest.raises(Exception, match="could not obtain lock"):
            other.execute(select(Note).with_for_update(nowait=True)).all()
        other.rollback()
        session.commit()
    assert SENT[0].startswith("BEGIN;SELECT") and SENT[-1] == "COMMIT"
    assert other.scalar(text("SELECT pg_try_advisory_lock(42)")) is True
    other.execute(text("SELECT pg_advisory_unlock(42)"))


def test_a_failed_write_leaves_the_connection_usable(engine):
    with Session(engine) as session:
        session.add(Note(id="n1"))
        session.commit()
    with Session(engine) as session:
        session.add(Note(id="n1"))
        with pytest.raises(Exception, match="duplicate key"):
            session.flush()
        session.rollback()
        assert session.get(Note, "n1") is not None
        session.add(Note(id="n2"))
        session.commit()
        assert session.scalar(select(text("count(*)")).select_from(Note.__table__)) == 2


HOLD = "INSERT INTO probe_lazy_notes (id, text) VALUES (%s, %s)"


def _driver(session):
    return session.connection().connection.dbapi_connection


def _ids(connection) -> set[str]:
    return set(connection.scalars(select(Note.id)))


def test_held_statements_go_out_with_the_commit_in_its_round_trip(engine, other):
    with Session(engine) as session:
        session.add(Note(id="n1", text="a"))
        session.flush()
        assert send_with_commit(_driver(session), HOLD, ("n2", "it's; quoted"))
        assert _ids(other) == set()
        session.commit()
    writes = [statement for statement in SENT if not statement.startswith("SELECT")]
    assert [statement.split()[0] for statement in writes] == ["BEGIN;INSERT", "INSERT"]
    assert "n2" in writes[-1] and writes[-1].endswith(";COMMIT")
    assert _ids(other) == {"n1", "n2"}
    assert other.scalar(select(Note.text).where(Note.id == "n2")) == "it's; quoted"


def test_a_transaction_of_held_statements_alone_still_opens_and_commits(engine, other):
    with Session(engine) as session:
        session.get(Note, "h1")  # a plain read: no transaction open yet
        send_with_commit(_driver(session), HOLD, ("h1", None))
        session.commit()
    assert SENT[-1].startswith("BEGIN;INSERT") and SENT[-1].endswith(";COMMIT")
    assert _ids(other) == {"h1"}


def test_a_rollback_drops_what_was_held_and_a_savepoint_what_was_held_since(engine, other):
    with Session(engine) as session:
        session.add(Note(id="n1"))
        session.flush()
        send_with_commit(_driver(session), HOLD, ("kept", None))
        nested = session.begin_nested()
        send_with_commit(_driver(session), HOLD, ("dropped", None))
        nested.rollback()
        session.commit()
    assert _ids(other) == {"n1", "kept"}
    with Session(engine) as session:
        session.add(Note(id="n2"))
        session.flush()
        send_with_commit(_driver(session), HOLD, ("gone", None))
        session.rollback()
        session.commit()  # nothing left to send with it
    assert _ids(other) == {"n1", "kept"}


def test_a_held_statement_that_fails_fails_the_commit_and_nothing_lands(engine, other):
    with Session(engine) as session:
        session.add(Note(id="n1"))
        session.flush()
        send_with_commit(_driver(session), HOLD, ("n1", None))  # the same key again
        with pytest.raises(IntegrityError, match="duplicate key"):
            session.commit()
        session.rollback()
        session.add(Note(id="n2"))
        session.commit()  # and the connection serves on
    assert _ids(other) == {"n2"}


def test_a_held_row_whose_key_is_taken_is_skipped_and_the_others_land(engine, other):
    with Session(engine) as session:
        session.add(Note(id="taken", text="first"))
        session.commit()
    with Session(engine) as session:
        table = Note.__table__
        assert insert_with_commit(session, table, {"id": "taken", "text": "second"},
                                  unless_taken=table.c.id)
        assert insert_with_commit(session, table, {"id": "new", "text": "fresh"},
                                  unless_taken=table.c.id)
        assert _ids(other) == {"taken"}
        session.commit()
    assert "ON CONFLICT" in SENT[-1] and SENT[-1].endswith(";COMMIT")
    assert dict(other.execute(select(Note.id, Note.text)).all()) == \
        {"taken": "first", "new": "fresh"}


def test_an_isolation_level_per_connection_is_refused(engine):
    with engine.connect() as connection, pytest.raises(NotImplementedError):
        connection.execution_options(isolation_level="SERIALIZABLE").scalar(text("SELECT 1"))


@pytest.mark.parametrize(("statement", "needs"), [
    ("SELECT contacts.id FROM contacts WHERE contacts.id = %(id)s", False),
    ("\n  select 1", False),
    ("SELECT nextval('ticket_numbers')", False),
    ("SELECT outbox.seq FROM outbox ORDER BY outbox.seq LIMIT 5 FOR UPDATE SKIP LOCKED", True),
    ("SELECT pipelines.id FROM pipelines FOR SHARE", True),
    ("SELECT x FROM t FOR NO KEY UPDATE", True),
    ("SELECT pg_advisory_xact_lock(hashtextextended(%(name)s, 0))", True),
    ("INSERT INTO t (id) VALUES (1)", True),
    ("WITH moved AS (UPDATE t SET a = 1 RETURNING id) SELECT id FROM moved", True),
    ("SAVEPOINT sa_savepoint_1", True),
    ("SELECTED", True),
])
def test_only_plain_reads_run_outside_the_transaction(statement, needs):
    assert needs_transaction(statement) is needs


# --- prepared statements --------------------------------------------------------------------

BY_ID = prepared(select(Note.text).where(Note.id == bindparam("note_id"),
                                         Note.text.is_not(None)))
RENAME = prepared(update(Note).where(Note.id == bindparam("note_id")))


def _prepared_on(connection) -> set[str]:
    return set(connection.exec_driver_sql(
        "SELECT statement FROM pg_prepared_statements").scalars())


def test_a_prepared_statement_is_prepared_once_per_connection(engine):
    with engine.connect() as connection:
        connection.execute(insert(Note), [{"id": "n1", "text": "a"}, {"id": "n2", "text": "b"}])
        connection.commit()
        SENT.clear()
        assert connection.execute(BY_ID, {"note_id": "n1"}).scalar() == "a"
        assert connection.execute(BY_ID, {"note_id": "n2"}).scalar() == "b"
        assert connection.execute(BY_ID, {"note_id": "n3"}).scalar() is None
        assert [statement.split()[0] for statement in SENT] == [
            "PREPARE", "EXECUTE", "EXECUTE"], SENT
        assert any("probe_lazy_notes.id = $1" in text for text in _prepared_on(connection))


def test_a_prepared_write_opens_the_transaction_counts_its_rows_and_is_undone(engine, other):
    with engine.connect() as connection:
        connection.execute(insert(Note), [{"id": "n1", "text": "a"}])
        connection.commit()
        SENT.clear()
        assert connection.execute(RENAME, {"note_id": "n1", "text": "b"}).rowcount == 1
        assert connection.execute(RENAME, {"note_id": "n9", "text": "b"}).rowcount == 0
        assert other.scalar(select(Note.text)) == "a"
        connection.rollback()
        assert connection.execute(RENAME, {"note_id": "n1", "text": "c"}).rowcount == 1
        connection.commit()
    mine = [statement for statement in SENT if not statement.startswith("SELECT")]
    assert [statement.split()[0] for statement in mine] == [
        "BEGIN;PREPARE", "EXECUTE", "ROLLBACK", "BEGIN;EXECUTE", "COMMIT"], mine
    assert other.scalar(select(Note.text)) == "c"  # prepared still: PREPARE outlives a rollback


def test_a_failed_first_execution_prepares_anew_and_a_full_connection_starts_over(
        engine, monkeypatch):
    add = prepared(insert(Note))
    with engine.connect() as connection:
        connection.execute(insert(Note), {"id": "n1", "text": "a"})
        connection.commit()
        SENT.clear()
        with pytest.raises(IntegrityError):
            connection.execute(add, {"id": "n1", "text": "again"})
        connection.rollback()
        connection.execute(add, {"id": "n2", "text": "b"})
        connection.commit()
        monkeypatch.setattr(lazy_begin, "MAX_PREPARED", 2)
        assert connection.execute(BY_ID, {"note_id": "n2"}).scalar() == "b"
        assert connection.execute(BY_ID, {"note_id": "n1"}).scalar() == "a"
    assert [statement.split(" AS ")[0] for statement in SENT] == [
        "BEGIN;PREPARE crm_1", "ROLLBACK", "BEGIN;PREPARE crm_2", "COMMIT",
        "DEALLOCATE ALL;PREPARE crm_1", "EXECUTE crm_1(%(note_id)s)"], SENT


@pytest.mark.parametrize(("statement", "form"), [
    ("SELECT a FROM t WHERE b = %(b)s AND c = %(c)s OR b = %(b)s",
     ("SELECT a FROM t WHERE b = $1 AND c = $2 OR b = $1", ("b", "c"))),
    ("SELECT a FROM t WHERE b LIKE '%%x' AND c = %(c_1)s",
     ("SELECT a FROM t WHERE b LIKE '%%x' AND c = $1", ("c_1",))),
    ("SELECT a FROM t WHERE b = %s", None),
])
def test_named_parameters_become_numbered_ones(statement, form):
    assert lazy_begin.numbered(statement) == form
