"""Reliable, idempotent event consumers.

nameko acknowledges an event even when its handler raised, so the event would be gone.
`consumes` instead retries a failed event a bounded number of times (republished at the
tail of its queue, so the messages behind it keep flowing) and then parks it in the
queue's dead-letter queue, `<queue>.dead`, where `crm-dlq` can inspect and replay it.
An event whose type or version has no contract is parked at once: retrying cannot help.

Handlers are idempotent: the id of each handled event is recorded in the same transaction
as the handler's effects, so a redelivered event is recognised and skipped.
"""

from __future__ import annotations

import functools
import logging
import os
from datetime import UTC, datetime
from typing import Any

import eventlet
from kombu import Queue
from marshmallow import ValidationError
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import ContainerBeingKilled
from sqlalchemy.exc import IntegrityError

from crm_chassis import observability
from crm_chassis.amqp import ConfirmedPublisher
from crm_chassis.bulk import insert_new_rows
from crm_chassis.inbox import HandledEvent
from crm_contracts.registry import UnknownEvent, load_event

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-crm-attempt"
ERROR_HEADER = "x-crm-error"
QUEUE_HEADER = "x-crm-queue"
DEFAULT_ATTEMPTS = 5
# What `consumes(..., batch=BATCH)` takes at most: so many events, arrived within so many
# seconds of the first (the size is bounded by the container's max_workers, the prefetch,
# which is why the consuming services run 30 workers). Most of a batch's cost is per batch,
# not per event: at 500 events/s, batches of up to 30 over 0.1 s cost the consumers about
# half the CPU of batches of 10 over 0.05 s.
BATCH = (int(os.environ.get("CRM_EVENT_BATCH") or 30),
         float(os.environ.get("CRM_EVENT_BATCH_SECONDS") or 0.1))


def dead_letter_queue(queue: str) -> str:
    return f"{queue}.dead"


def consumer_queue(source: str, event_type: str, service: str, method: str) -> str:
    # nameko's own naming for SERVICE_POOL handlers: replicas of a service share the queue.
    return f"evt-{source}-{event_type}--{service}.{method}"


class ReliableEventHandler(EventHandler):
    def __init__(self, source_service: str, event_type: str, attempts: int = DEFAULT_ATTEMPTS,
                 **kwargs):
        super().__init__(source_service, event_type, handler_type=SERVICE_POOL,
                         reliable_delivery=True, requeue_on_error=False, **kwargs)
        self.attempts = attempts

    def setup(self) -> None:
        super().setup()
        self.publisher = ConfirmedPublisher(self.container.config["AMQP_URI"])

    def stop(self) -> None:
        super().stop()
        self.publisher.close()

    def handle_message(self, body: Any, message) -> None:
        event = self._load(body, message)
        if event is not None:
            super().handle_message(event, message)

    def _load(self, body: Any, message) -> dict[str, Any] | None:
        """The event as its contract loads it; None when it has none (then it is parked)."""
        try:
            return load_event(body)
        except (UnknownEvent, ValidationError, TypeError) as exc:
            self._park(message, f"rejected by its contract: {exc}")
            self.queue_consumer.ack_message(message)
            return None

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None:
            attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
            error = f"{exc_info[0].__name__}: {exc_info[1]}"
            if attempt < self.attempts:
                eventlet.sleep(min(0.1 * 2 ** attempt, 2.0))
                self._republish(message, self.queue.name, attempt + 1, error)
            else:
                self._park(message, error, attempt)
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def _park(self, message, error: str, attempt: int = 1) -> None:
        log.error("event parked in %s after %d attempt(s): %s",
                  dead_letter_queue(self.queue.name), attempt, error)
        # Fix: labelled `service.method` like the handler's "ok" and "duplicate" counts
        # (it said `method`, so a handler's dead letters were counted under another name).
        observability.EVENTS_HANDLED.labels(
            self.container.service_name, f"{self.container.service_name}.{self.method_name}",
            "dead").inc()
        self._republish(message, dead_letter_queue(self.queue.name), attempt, error)

    def _republish(self, message, queue: str, attempt: int, error: str) -> None:
        headers = dict(message.headers or {})
        headers.update({ATTEMPT_HEADER: attempt, ERROR_HEADER: error[:1000],
                        QUEUE_HEADER: self.queue.name})
        declare = [Queue(queue, durable=True)] if queue != self.queue.name else []
        # Confirmed before the original is acked: a crash in between duplicates, never loses.
        self.publisher.publish(message.payload, routing_key=queue, headers=headers,
                               declare=declare)


class BatchingEventHandler(ReliableEventHandler):
    """Hands its method the events that arrived within `window` seconds of the first, up
    to `size` of them (and never more than the queue's prefetch, the container's
    max_workers): one worker, one transaction and one commit for all of them.

    A batch that fails is rolled back, and its events are then handled one at a time,
    so that only the one that fails is retried and parked. Events waiting for their batch
    are not acknowledged: if the service stops, the broker delivers them again."""

    def __init__(self, source_service: str, event_type: str, size: int, window: float,
                 **kwargs):
        super().__init__(source_service, event_type, **kwargs)
        self.size, self.window = size, window
        self._waiting: list[tuple[dict[str, Any], Any]] = []
        self._timer = None

    def handle_message(self, body: Any, message) -> None:
        event = self._load(body, message)
        if event is None:
            return
        self._waiting.append((event, message))
        if len(self._waiting) >= self.size:
            self._send_waiting()
        elif self._timer is None:
            self._timer = eventlet.spawn_after(self.window, self._send_waiting)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._waiting = []
        super().stop()

    def _send_waiting(self) -> None:
        # The batch is taken before anything can yield: nameko hands each message to
        # handle_message in a greenthread of its own, and a yield would let one more in.
        batch, self._waiting = self._waiting, []
        timer, self._timer = self._timer, None
        if timer is not None and timer is not eventlet.getcurrent():
            timer.cancel()  # (never the timer running this: cancelling kills the caller)
        if batch:
            self._spawn(batch)

    def _spawn(self, batch: list[tuple[dict[str, Any], Any]]) -> None:
        try:
            self.container.spawn_worker(
                self, ([event for event, _ in batch],), {},
                context_data=self.unpack_message_headers(batch[0][1]),
                handle_result=functools.partial(self._batch_done, batch))
        except ContainerBeingKilled:
            for _, message in batch:
                self.queue_consumer.requeue_message(message)

    def _batch_done(self, batch, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and len(batch) > 1:
            # Not from this worker's greenthread: the pool may be full of such workers.
            eventlet.spawn_n(self._one_by_one, batch)
            return result, exc_info
        for _, message in batch:
            self.handle_result(message, worker_ctx, result, exc_info)
        return result, exc_info

    def _one_by_one(self, batch) -> None:
        for item in batch:
            self._spawn([item])


def _claim(session, events: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The events of a batch that `name` has not handled (nor seen twice in the batch),
    claimed in the session's transaction: a replica claiming one too waits for this
    transaction, then finds it claimed."""
    moment = datetime.now(UTC)
    rows = {event["id"]: {"event_id": event["id"], "handler": name, "handled_at": moment}
            for event in events}
    table = HandledEvent.__table__
    claimed = set(insert_new_rows(session, table, list(rows.values()), table.c.event_id))
    fresh = []
    for event in events:
        if event["id"] in claimed:
            claimed.discard(event["id"])
            fresh.append(event)
    return fresh


def consumes(source: str, event_type: str, attempts: int = DEFAULT_ATTEMPTS,
             batch: tuple[int, float] | None = None):
    """Decorate `handler(self, event)` to consume one event type reliably.

    The service must have `db = Database(...)`. The handler makes its changes through
    `self.db.session` and must not commit: the chassis commits them together with the
    record that this event was handled, and skips an event it has handled before.

    With `batch=(size, window seconds)`, the handler is `handler(self, events)` and gets
    a list (see BatchingEventHandler), without the events handled before.
    """

    if batch is not None:
        return _consumes_batches(source, event_type, attempts, *batch)

    def decorate(handler):
        @functools.wraps(handler)
        def handle_once(self, event: dict[str, Any]) -> None:
            unit = self.db
            name = f"{self.name}.{handler.__name__}"
            # The event is claimed before the handler runs: a redelivery, or another
            # replica's copy (whose INSERT waits for ours to commit), fails this INSERT and
            # is skipped, and a first delivery needs no read to learn it is new.
            unit.session.add(HandledEvent(event_id=event["id"], handler=name,
                                          handled_at=datetime.now(UTC)))
            try:
                unit.session.flush()
            except IntegrityError:
                unit.rollback()
                log.info("event %s already handled by %s, skipped", event["id"], name)
                observability.EVENTS_HANDLED.labels(self.name, name, "duplicate").inc()
                return
            try:
                handler(self, event)
            except Exception:
                # Fix: nameko runs handle_result (the retry back-off sleep) before the
                # worker's teardown rolls back, so a failed handler's transaction kept its
                # locks meanwhile; on SQLite that blocked every other worker's write.
                unit.rollback()
                raise
            unit.commit()
            observability.EVENTS_HANDLED.labels(self.name, name, "ok").inc()

        return ReliableEventHandler.decorator(source, event_type, attempts=attempts)(handle_once)

    return decorate


def each(handler):
    """A handler of one event as a handler of a batch (`consumes(..., batch=BATCH)`):
    every event in turn, all in the batch's one transaction."""

    @functools.wraps(handler)
    def handle_all(self, events: list[dict[str, Any]]) -> None:
        for event in events:
            handler(self, event)

    return handle_all


def _consumes_batches(source: str, event_type: str, attempts: int, size: int, window: float):
    def decorate(handler):
        @functools.wraps(handler)
        def handle_batch(self, events: list[dict[str, Any]]) -> None:
            unit = self.db
            name = f"{self.name}.{handler.__name__}"
            fresh = _claim(unit.session, events, name)
            try:
                if fresh:
                    handler(self, fresh)
            except Exception:
                unit.rollback()  # before the retry's back-off, as above
                raise
            unit.commit()
            observability.EVENTS_HANDLED.labels(self.name, name, "ok").inc(len(fresh))
            if len(events) > len(fresh):
                log.info("%d event(s) already handled by %s, skipped", len(events) - len(fresh),
                         name)
                observability.EVENTS_HANDLED.labels(self.name, name, "duplicate").inc(
                    len(events) - len(fresh))

        return BatchingEventHandler.decorator(source, event_type, size, window,
                                              attempts=attempts)(handle_batch)

    return decorate
