"""A small confirmed publisher on kombu, for the outbox relay and the dead-letter queues."""

from __future__ import annotations

import logging
import threading
from typing import Any

from kombu import Connection, Exchange, Producer, Queue

log = logging.getLogger(__name__)


def events_exchange(source: str) -> Exchange:
    # Same declaration as nameko's, so nameko event handlers bind to it unchanged.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=2)


class ConfirmedPublisher:
    """Publishes with publisher confirms: `publish` returns only once the broker has the
    message, and raises when it does not. Reconnects lazily after a failure."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        # Fix: a consumer's worker threads share one publisher, and two green threads
        # reading one kombu connection at once crash the container ("Second simultaneous
        # read on fileno"): publishes take turns (threading is green under eventlet).
        self._lock = threading.Lock()

    def publish(self, body: dict[str, Any], *, exchange: Exchange | str = "",
                routing_key: str, headers: dict[str, Any] | None = None,
                declare: list[Queue | Exchange] | None = None) -> None:
        declare = list(declare or [])
        if isinstance(exchange, Exchange):
            declare.append(exchange)  # kombu remembers what it declared on this connection
        with self._lock:
            reused = self._producer is not None
            try:
                self._publish(body, exchange, routing_key, headers, declare)
            except Exception as exc:
                lost = reused and isinstance(exc, self._connection_errors())
                self._close()
                if not lost:
                    raise
                # Fix: the broker may have closed a connection kept open since the last
                # publish (restart, failover, or missed heartbeats: nothing services them
                # in between), and in a consumer the failure killed the container. Retry
                # once on a fresh connection: a duplicate is harmless, consumers are
                # idempotent.
                log.info("AMQP connection lost since the last publish, reconnecting: %s", exc)
                try:
                    self._publish(body, exchange, routing_key, headers, declare)
                except Exception:
                    self._close()
                    raise

    def _publish(self, body: Any, exchange: Exchange | str, routing_key: str,
                 headers: dict[str, Any] | None, declare: list[Queue | Exchange]) -> None:
        self._ensure_producer().publish(
            body, exchange=exchange, routing_key=routing_key, headers=headers or {},
            serializer="json", delivery_mode=2, declare=declare, retry=False,
        )

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        if self._connection is None:
            return ()
        return (self._connection.connection_errors
                + self._connection.recoverable_connection_errors)

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            connection = Connection(self.amqp_uri, transport_options={"confirm_publish": True},
                                    heartbeat=30, connect_timeout=5)
            connection.ensure_connection(max_retries=1)
            self._connection = connection
            self._producer = Producer(connection.channel())
        return self._producer

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # closing a broken connection may fail again; nothing to save
                log.debug("closing a broken AMQP connection failed", exc_info=True)
        self._connection = None
        self._producer = None
