"""Small publishers on kombu's connections: confirmed for the outbox relay and the dead-letter
queues, unconfirmed for RPC answers."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import amqp
import kombu.serialization
from kombu import Connection, Exchange, Queue

log = logging.getLogger(__name__)


@functools.cache
def events_exchange(source: str) -> Exchange:
    # Made once per source: the relay asks for it for every event it publishes.
    # Same declaration as nameko's, so nameko event handlers bind to it unchanged.
    return Exchange(f"{source}.events", type="topic", durable=True, delivery_mode=2)


@dataclass(frozen=True)
class Outgoing:
    """One message for `publish_all`: `body` is encoded as JSON, unless `content_type` says
    it is text of that type already. A persistent message survives a broker restart in a
    durable queue."""

    body: Any
    routing_key: str
    exchange: Exchange | str = ""
    headers: dict[str, Any] | None = None
    declare: tuple[Queue | Exchange, ...] = ()
    content_type: str | None = None
    correlation_id: str | None = None
    persistent: bool = True


def _message(outgoing: Outgoing) -> amqp.Message:
    """The AMQP message as kombu's Producer builds it, without the Producer: its publish
    cost more than the broker's own work (about 150 us a message here, twice a raw one)."""
    if outgoing.content_type is not None:
        content_type, encoding, body = outgoing.content_type, "utf-8", outgoing.body
    else:
        content_type, encoding, body = kombu.serialization.dumps(outgoing.body, "json")
    properties = {"content_type": content_type, "content_encoding": encoding,
                  "application_headers": outgoing.headers or {},
                  "delivery_mode": 2 if outgoing.persistent else 1}
    if outgoing.correlation_id is not None:
        properties["correlation_id"] = outgoing.correlation_id
    return amqp.Message(body.encode(encoding) if isinstance(body, str) else body, **properties)


class NotConfirmed(Exception):
    """The broker refused (nacked) messages or did not confirm them in time."""


class Publisher:
    """Publishes on an AMQP connection and channel of its own, opened at first use and again
    after a failure; exchanges and queues named by the messages are declared once per
    connection. Workers share it: publishes take turns.

    Without confirms (RPC answers), a message is handed to the socket and that is all; a
    connection the broker closed meanwhile is found before it (py-amqp reads what the broker
    sent, without waiting, before each publish) and replaced."""

    def __init__(self, amqp_uri: str, **connection_options):
        self.amqp_uri = amqp_uri
        self._options = connection_options
        self._connection: Connection | None = None
        self._channel = None
        self._declared: set[tuple[str, str]] = set()
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
            reused = self._channel is not None
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
        channel = self._ensure_channel()
        for message in messages:
            exchange = message.exchange
            for entity in (*message.declare, *([exchange] if isinstance(exchange, Exchange)
                                               else [])):
                self._declare(channel, entity)
            channel.basic_publish(
                _message(message), routing_key=message.routing_key,
                exchange=exchange.name if isinstance(exchange, Exchange) else exchange)
            self._sent()
        self._published()

    def _declare(self, channel, entity: Queue | Exchange) -> None:
        key = (type(entity).__name__, entity.name)
        if key not in self._declared:
            entity(channel).declare()
            self._declared.add(key)

    def _ensure_channel(self):
        if self._channel is None:
            connection = Connection(self.amqp_uri, connect_timeout=5, **self._options)
            connection.ensure_connection(max_retries=1)
            self._connection, self._channel = connection, connection.channel()
            self._declared = set()
            self._opened(self._channel)
        return self._channel

    # Hooks of a publisher with confirms.
    def _opened(self, channel) -> None:
        pass

    def _sent(self) -> None:
        pass

    def _published(self) -> None:
        pass

    def _connection_errors(self) -> tuple[type[BaseException], ...]:
        if self._connection is None:
            return ()
        return (self._connection.connection_errors
                + self._connection.recoverable_connection_errors)

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
        self._channel = None


class ConfirmedPublisher(Publisher):
    """Publishes with publisher confirms: `publish_all` returns only once the broker has
    every message, and raises when it does not.

    A batch is published in one go and its confirms are awaited together: a round trip per
    batch, not per message, which is what lets the outbox relay keep up with an import."""

    def __init__(self, amqp_uri: str, confirm_timeout: float = 30.0):
        super().__init__(amqp_uri, heartbeat=30)
        self.confirm_timeout = confirm_timeout
        self._tags = 0  # delivery tags are numbered per channel from 1
        self._unconfirmed: set[int] = set()
        self._nacked = 0

    def _opened(self, channel) -> None:
        channel.confirm_select()
        channel.events["basic_ack"].add(partial(self._on_confirm, refused=False))
        channel.events["basic_nack"].add(partial(self._on_confirm, refused=True))
        self._tags, self._unconfirmed, self._nacked = 0, set(), 0

    def _sent(self) -> None:
        self._tags += 1
        self._unconfirmed.add(self._tags)

    def _published(self) -> None:
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
