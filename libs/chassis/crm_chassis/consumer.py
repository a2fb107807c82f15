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
from datetime import UTC, datetime
from typing import Any

import eventlet
from kombu import Queue
from marshmallow import ValidationError
from nameko.events import SERVICE_POOL, EventHandler
from sqlalchemy.exc import IntegrityError

from crm_chassis import observability
from crm_chassis.amqp import ConfirmedPublisher
from crm_chassis.inbox import HandledEvent
from crm_contracts.registry import UnknownEvent, load_event

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-crm-attempt"
ERROR_HEADER = "x-crm-error"
QUEUE_HEADER = "x-crm-queue"
DEFAULT_ATTEMPTS = 5


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
        try:
            event = load_event(body)
        except (UnknownEvent, ValidationError, TypeError) as exc:
            self._park(message, f"rejected by its contract: {exc}")
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(event, message)

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


def consumes(source: str, event_type: str, attempts: int = DEFAULT_ATTEMPTS):
    """Decorate `handler(self, event)` to consume one event type reliably.

    The service must have `db = Database(...)`. The handler makes its changes through
    `self.db.session` and must not commit: the chassis commits them together with the
    record that this event was handled, and skips an event it has handled before.
    """

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
