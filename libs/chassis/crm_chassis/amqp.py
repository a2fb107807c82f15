"""A small confirmed publisher on kombu, for the outbox relay and the dead-letter queues."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from kombu import Connection, Exchange, Producer, Queue

log = logging.getLogger(__name__)


@functools.cache
def events_exchange(source: str) -> Exchange:
    # Made once per source: the relay asks for it for every event it publishes.
    # Same declaration as nameko's, so nameko event handlers bind to it unchanged.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=2)


@dataclass(frozen=True)
class Outgoing:
    """One message for `ConfirmedPublisher.publish_all`: `body` is encoded as JSON, unless
    `encoded` says it is JSON text already."""

    body: Any
    routing_key: str
    exchange: Exchange | str = ""
    headers: dict[str, Any] | None = None
    declare: tuple[Queue | Exchange, ...] = ()
    encoded: bool = False


class NotConfirmed(Exception):
    """The broker refused (nacked) messages or did not confirm them in time."""


class ConfirmedPublisher:
    """Publishes with publisher confirms: `publish_all` returns only once the broker has
    every message, and raises when it does not. Reconnects lazily after a failure.

    A batch is published in one go and its confirms are awaited together: a round trip per
    batch, not per message, which is what lets the outbox relay keep up with an import."""

    def __init__(self, amqp_uri: str, confirm_timeout: float = 30.0):
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self._sent = 0  # delivery tags are numbered per channel from 1
        self._unconfirmed: set[int] = set()
        self._nacked = 0
        # Fix: a consumer's worker threads share one publisher, and two green threads
        # reading one kombu connection at once crash the container ("Second simultaneous
        # read on fileno"): publishes take turns (threading is green under eventlet).
        self._lock = threading.Lock()

    def publish(self, body: Any, *, exchange: Exchange | str = "", routing_key: str,
                headers: dict[str, Any] | None = None,
                declare: list[Queue | Exchange] | None = None) -> None:
        self.publish_all([Outgoing(body, routing_key, exchange, headers, tuple(declare or ()))])

    def publish_all(self, messages: Sequence[Outgoing]) -> None:
        with self._lock:
            reused = self._producer is not None
            try:
                self._publish_all(messages)
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
                    self._publish_all(messages)
                except Exception:
                    self._close()
                    raise

    def _publish_all(self, messages: Sequence[Outgoing]) -> None:
        producer = self._ensure_producer()
        for message in messages:
            declare = list(message.declare)
            if isinstance(message.exchange, Exchange):
                declare.append(message.exchange)  # kombu declares once per connection
            # A content type given: kombu sends the text as it is, without serializing it.
            encoding = {"content_type": "application/json", "content_encoding": "utf-8"} \
                if message.encoded else {"serializer": "json"}
            producer.publish(
                message.body, exchange=message.exchange, routing_key=message.routing_key,
                headers=message.headers or {}, delivery_mode=2, declare=declare, retry=False,
                **encoding,
            )
            self._sent += 1
            self._unconfirmed.add(self._sent)
        self._await_confirms()

    def _await_confirms(self) -> None:
        deadline = time.monotonic() + self.confirm_timeout
        while self._unconfirmed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NotConfirmed(f"the broker did not confirm {len(self._unconfirmed)} "
                                   f"messages within {self.confirm_timeout:g} s")
            # Acks arrive as frames on the connection; reading them runs _on_confirm.
            self._connection.drain_events(timeout=remaining)
        if self._nacked:
            refused, self._nacked = self._nacked, 0
            raise NotConfirmed(f"the broker refused {refused} messages")

    def _on_confirm(self, delivery_tag: int, multiple: bool, *, refused: bool) -> None:
        done = {tag for tag in self._unconfirmed if tag <= delivery_tag} if multiple \
            else {delivery_tag} & self._unconfirmed
        self._unconfirmed -= done
        if refused:
            self._nacked += len(done)

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        if self._connection is None:
            return ()
        return (self._connection.connection_errors
                + self._connection.recoverable_connection_errors)

    def _ensure_producer(self) -> Producer:
        if self._producer is None:
            connection = Connection(self.amqp_uri, heartbeat=30, connect_timeout=5)
            connection.ensure_connection(max_retries=1)
            channel = connection.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(partial(self._on_confirm, refused=False))
            channel.events["basic_nack"].add(partial(self._on_confirm, refused=True))
            self._connection = connection
            self._producer = Producer(channel)
            self._sent, self._unconfirmed, self._nacked = 0, set(), 0
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
