"""The read models' writes go out in one order, whatever the order of their events."""

from __future__ import annotations

from reporting.models import CsatFacts, OrderFacts, TicketFacts
from reporting.operations.writes import Writes


def sent(monkeypatch, feed) -> list[tuple[str, str, list[str]]]:
    """What a flush of the writes `feed` makes sends: kind, table and row ids, in order."""
    calls = []
    monkeypatch.setattr(Writes, "_send", lambda self, kind, spec, rows: calls.append(
        (kind, spec[0].name, [row.get("id") or row.get("ticket_id") for row in rows])))
    writes = Writes(session=None)
    feed(writes)
    writes.flush()
    return calls


def ticket(writes, ticket_id: str, key: str) -> None:
    writes.newest(TicketFacts, {"id": ticket_id}, key, {"status": "open"})


def rating(writes, ticket_id: str) -> None:
    writes.newest(CsatFacts, {"ticket_id": ticket_id}, "k1", {"rating": 4})


def order(writes, order_id: str) -> None:
    writes.first(OrderFacts, {"id": order_id, "total": "10.00", "currency": "EUR"})


def test_two_batches_of_the_same_rows_lock_them_in_the_same_order(monkeypatch):
    """Two batches applied at once by two workers: had each locked its rows in the order
    of its events, each could hold a row the other waits for (PostgreSQL found such
    deadlocks between the ticket and rating writes of concurrent batches)."""
    def one_way(writes):
        ticket(writes, "t2", "k1")
        rating(writes, "t2")
        order(writes, "o9")
        ticket(writes, "t1", "k1")
        order(writes, "o1")

    def the_other_way(writes):
        order(writes, "o1")
        rating(writes, "t2")
        ticket(writes, "t1", "k1")
        order(writes, "o9")
        ticket(writes, "t2", "k1")

    first = sent(monkeypatch, one_way)
    assert first == sent(monkeypatch, the_other_way)
    assert first == [("newest", "report_csat", ["t2"]),
                     ("first", "report_orders", ["o1", "o9"]),
                     ("newest", "report_tickets", ["t1", "t2"])]


def test_the_days_are_read_before_the_rows_are_written_and_marked_after(monkeypatch):
    """The rollups read the days a row counted on before it changes, but lock the dirty
    days only after every fact row: all batches take their locks facts first."""
    steps = []
    monkeypatch.setattr(Writes, "_send", lambda self, kind, spec, rows: steps.append(
        f"write {spec[0].name}"))

    def before_flush(_session, touched):
        steps.append(f"read {sorted(table.name for table in touched)}")
        return lambda: steps.append("mark days")

    writes = Writes(session=None, before_flush=before_flush)
    ticket(writes, "t1", "k1")
    order(writes, "o1")
    writes.flush()

    assert steps == ["read ['report_orders', 'report_tickets']", "write report_orders",
                     "write report_tickets", "mark days"]
