"""The outbox's rules: events are checked against their contract when recorded, read back
in order as an event log, and marked published only once the broker has them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_chassis.outbox import OutboxEvent, events_after, publish_pending, record_event
from crm_contracts.registry import UnknownEvent

ENVELOPE_KEYS = {"id", "type", "version", "occurred_at", "source", "correlation_id", "data"}


def _deleted(session, contact_id: str, correlation_id: str | None = None) -> OutboxEvent:
    return record_event(session, "contacts", "contact.deleted",
                        {"contact_id": contact_id, "changed_by": None},
                        correlation_id=correlation_id)


def _rows(engine) -> list[OutboxEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)))


# --- record_event ---------------------------------------------------------------------------

def test_record_event_stores_the_payload_as_plain_json_of_the_latest_version(session, engine):
    recorded_at = datetime(2024, 5, 2, 12, 0, tzinfo=UTC)
    row = record_event(session, "contacts", "consent.changed", {
        "contact_id": "c-1", "channel": "email", "status": "granted", "source": "web_form",
        "recorded_at": recorded_at, "changed_by": "u-1",
    }, correlation_id="corr-1")
    session.commit()

    [stored] = _rows(engine)
    assert stored.id == row.id
    assert (stored.type, stored.version, stored.source) == ("consent.changed", 1, "contacts")
    assert stored.correlation_id == "corr-1"
    assert stored.data["recorded_at"] == "2024-05-02T12:00:00+00:00"  # a string on the wire
    assert stored.published_at is None


def test_record_event_refuses_a_payload_its_contract_rejects(session, engine):
    with pytest.raises(ValidationError) as error:
        record_event(session, "contacts", "contact.deleted", {"changed_by": None})
    assert "contact_id" in error.value.messages

    with pytest.raises(ValidationError) as error:
        record_event(session, "contacts", "consent.changed", {
            "contact_id": "c-1", "channel": "carrier_pigeon", "status": "granted",
            "recorded_at": "2024-05-02T12:00:00+00:00",
        })
    assert "channel" in error.value.messages
    session.commit()
    assert _rows(engine) == []


@pytest.mark.parametrize(("event_type", "version"), [
    ("contact.vanished", None),   # no contract for the type
    ("contact.deleted", 99),      # nor for this version of a known type
])
def test_record_event_refuses_an_event_without_a_contract(session, engine, event_type,
                                                           version):
    with pytest.raises(UnknownEvent):
        record_event(session, "contacts", event_type,
                     {"contact_id": "c-1", "changed_by": None}, version=version)
    session.commit()
    assert _rows(engine) == []


def test_an_event_lands_with_its_transaction_commit_and_never_without_it(session, engine):
    # (On PostgreSQL its row is held to go out with the COMMIT, in the same round trip.)
    _deleted(session, "c-1")
    assert _rows(engine) == []
    session.rollback()
    session.commit()
    assert _rows(engine) == []

    kept = _deleted(session, "c-2")
    session.commit()
    assert [row.id for row in _rows(engine)] == [kept.id]


# --- events_after -----------------------------------------------------------------------------

def test_events_after_reads_the_log_in_order_from_a_cursor(session):
    ids = [_deleted(session, f"c-{number}").id for number in range(5)]
    session.commit()

    log = events_after(session, 0)
    assert [item["id"] for item in log] == ids
    seqs = [item["seq"] for item in log]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert all(set(item) == ENVELOPE_KEYS | {"seq"} for item in log)
    assert log[0]["data"] == {"contact_id": "c-0", "changed_by": None}

    first_page = events_after(session, 0, limit=2)
    assert [item["id"] for item in first_page] == ids[:2]
    rest = events_after(session, first_page[-1]["seq"])
    assert [item["id"] for item in rest] == ids[2:]
    assert events_after(session, seqs[-1]) == []


def test_a_page_of_the_log_ends_early_when_its_events_are_large(session):
    ids = [_deleted(session, f"c-{number}").id for number in range(5)]
    session.commit()
    one = len(json.dumps({"contact_id": "c-0", "changed_by": None}))

    page = events_after(session, 0, max_bytes=2 * one + 1)
    assert [item["id"] for item in page] == ids[:2]
    # An event larger than the budget still comes, alone: the log never stalls on it.
    assert [item["id"] for item in events_after(session, 0, max_bytes=1)] == ids[:1]


def test_events_after_keeps_published_events_in_the_log(session):
    _deleted(session, "c-1")
    session.commit()
    publish_pending(session, RecordingPublisher(None))
    assert [item["data"]["contact_id"] for item in events_after(session, 0)] == ["c-1"]


# --- publish_pending --------------------------------------------------------------------------

class RecordingPublisher:
    """Records each publish, with whether its row was already marked published as seen from
    another connection at that moment; raises on the `fail_on`-th call."""

    def __init__(self, engine, fail_on: int | None = None):
        self.engine = engine
        self.fail_on = fail_on
        self.calls: list[dict] = []

    def publish(self, body, *, exchange, routing_key, headers=None, declare=None):
        marked = None
        if self.engine is not None:
            with Session(self.engine) as other:
                marked = other.scalar(select(OutboxEvent.published_at)
                                      .where(OutboxEvent.id == body["id"])) is not None
        self.calls.append({"id": body["id"], "exchange": exchange.name,
                           "routing_key": routing_key, "headers": headers,
                           "marked_meanwhile": marked, "body": body})
        if len(self.calls) == self.fail_on:
            raise ConnectionError("the broker went away")

    def publish_all(self, messages):
        for message in messages:  # as the real one: a failure fails the whole batch
            body = json.loads(message.body) if message.content_type else message.body
            self.publish(body, exchange=message.exchange, routing_key=message.routing_key,
                         headers=message.headers)


def test_publish_pending_publishes_in_order_then_marks_published(session, engine):
    rows = [_deleted(session, "c-1", "corr-1"), _deleted(session, "c-2"),
            _deleted(session, "c-3")]
    session.commit()
    publisher = RecordingPublisher(engine)

    assert publish_pending(session, publisher) == 3

    assert [call["id"] for call in publisher.calls] == [row.id for row in rows]
    assert not any(call["marked_meanwhile"] for call in publisher.calls)
    assert {call["exchange"] for call in publisher.calls} == {"contacts.events"}
    assert {call["routing_key"] for call in publisher.calls} == {"contact.deleted"}
    # The correlation id travels in nameko's header; an event without one is its own.
    assert publisher.calls[0]["headers"] == {"nameko.correlation_id": "corr-1"}
    assert publisher.calls[1]["headers"] == {"nameko.correlation_id": rows[1].id}
    assert set(publisher.calls[0]["body"]) == ENVELOPE_KEYS
    # The message is the row's envelope, its data spliced in as stored.
    assert [call["body"] for call in publisher.calls] == [row.envelope() for row in rows]
    assert all(row.published_at is not None for row in _rows(engine))

    again = RecordingPublisher(engine)
    assert publish_pending(session, again) == 0
    assert again.calls == []


def test_publish_pending_leaves_unmarked_what_the_publisher_did_not_take(session, engine):
    rows = [_deleted(session, f"c-{number}") for number in range(3)]
    session.commit()

    failing = RecordingPublisher(engine, fail_on=2)
    with pytest.raises(ConnectionError):
        publish_pending(session, failing)
    session.rollback()
    stored = {row.id: row.published_at for row in _rows(engine)}
    assert stored[rows[1].id] is None and stored[rows[2].id] is None
    assert not any(call["marked_meanwhile"] for call in failing.calls)

    # Next round: whatever is unmarked goes out again, still in order (at least once).
    retry = RecordingPublisher(engine)
    unmarked = [row.id for row in rows if stored[row.id] is None]
    assert publish_pending(session, retry) == len(unmarked)
    assert [call["id"] for call in retry.calls] == unmarked
    assert all(row.published_at is not None for row in _rows(engine))


def test_publish_pending_takes_at_most_limit_rows_oldest_first(session, engine):
    rows = [_deleted(session, f"c-{number}") for number in range(3)]
    session.commit()
    publisher = RecordingPublisher(engine)

    assert publish_pending(session, publisher, limit=2) == 2
    assert [call["id"] for call in publisher.calls] == [row.id for row in rows[:2]]
    with Session(engine) as other:
        assert other.scalar(select(func.count()).select_from(OutboxEvent)
                            .where(OutboxEvent.published_at.is_(None))) == 1
