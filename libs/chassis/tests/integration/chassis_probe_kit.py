"""Broker-side helpers for the chassis integration tests.

Queue depths are read with a passive `queue.declare`, which the broker answers from the
queue itself: the management API's counters lag by up to its statistics interval (5 s),
too coarse for "exactly one message, and it stays one".
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from amqp.exceptions import NotFound
from kombu import Connection
from prometheus_client import REGISTRY

from crm_chassis.amqp import ConfirmedPublisher, events_exchange


def queue_stats(amqp_uri: str, queue: str) -> tuple[int, int]:
    """(messages ready, consumers) of a queue, or (-1, 0) when it does not exist."""
    with Connection(amqp_uri, connect_timeout=5) as connection:
        try:
            ok = connection.channel().queue_declare(queue=queue, passive=True)
        except NotFound:
            return -1, 0
        return ok.message_count, ok.consumer_count


def depth(amqp_uri: str, queue: str) -> int:
    return queue_stats(amqp_uri, queue)[0]


def take_all(amqp_uri: str, queue: str) -> list[tuple[dict[str, Any], Any]]:
    """Remove and return every ready message as (headers, payload)."""
    taken = []
    with Connection(amqp_uri, connect_timeout=5) as connection:
        channel = connection.channel()
        while (message := channel.basic_get(queue=queue, no_ack=True)) is not None:
            message = channel.message_to_python(message)
            taken.append((dict(message.headers or {}), message.decode()))
    return taken


def publish_event(amqp_uri: str, body: Any, routing_key: str, source: str = "contacts") -> None:
    """Publish a body to a producer's events exchange, as its relay (or a stranger) would."""
    publisher = ConfirmedPublisher(amqp_uri)
    try:
        publisher.publish(body, exchange=events_exchange(source), routing_key=routing_key)
    finally:
        publisher.close()


def holds(check: Callable[[], bool], seconds: float, message: str = "condition") -> None:
    """Assert that `check` stays true for `seconds` (for "and nothing more arrives")."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert check(), f"{message} stopped holding"
        time.sleep(0.1)


def handled_total(service: str, handler: str, outcome: str) -> float:
    """The chassis's own counter of consumed events, as Prometheus would scrape it."""
    return REGISTRY.get_sample_value(
        "crm_events_handled_total",
        {"service": service, "handler": f"{service}.{handler}", "outcome": outcome},
    ) or 0.0


class BrokerProxy:
    """A TCP forwarder to the broker that a test can cut: `cut()` drops every open
    connection and closes new ones at once until `restore()`.

    Under eventlet a socket must not be closed while another green thread waits on it (the
    hub would keep a stale reader for its file number): `cut` only shuts connections down,
    and each is closed by the last of its two pumps to leave."""

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 5672)):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.accepting = True
        self.accepted = 0
        self.refused = 0
        self._pairs: dict[tuple[socket.socket, socket.socket], int] = {}  # pair -> pumps left
        self._closed = False
        self._threads = [threading.Thread(target=self._accept_loop, daemon=True)]
        self._threads[0].start()

    def uri(self, vhost: str) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def cut(self) -> None:
        self.accepting = False
        for pair in list(self._pairs):
            self._shut_down(pair)

    def restore(self) -> None:
        self.accepting = True

    def close(self) -> None:
        self._closed = True
        self.cut()
        for thread in self._threads:
            thread.join(timeout=5)

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            if not self.accepting:
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            self.accepted += 1
            pair = (client, upstream)
            self._pairs[pair] = 2
            for source, sink in (pair, pair[::-1]):
                pump = threading.Thread(target=self._pump, args=(source, sink, pair),
                                        daemon=True)
                self._threads.append(pump)
                pump.start()
        self.listener.close()

    def _pump(self, source: socket.socket, sink: socket.socket, pair) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except (OSError, EOFError):
            pass
        finally:
            self._shut_down(pair)  # wakes the pump of the other direction
            self._pairs[pair] -= 1
            if self._pairs[pair] == 0:
                del self._pairs[pair]
                for sock in pair:
                    sock.close()

    @staticmethod
    def _shut_down(pair) -> None:
        for sock in pair:
            with contextlib.suppress(OSError):  # the peer may have gone first
                sock.shutdown(socket.SHUT_RDWR)


def bind_tap(amqp_uri: str, routing_key: str, source: str = "contacts") -> str:
    """A queue beside the consumers' that counts every copy the producer published."""
    from kombu import Queue

    name = f"chassis-probe-tap-{routing_key}"
    with Connection(amqp_uri, connect_timeout=5) as connection:
        Queue(name, exchange=events_exchange(source), routing_key=routing_key,
              durable=True)(connection.channel()).declare()
    return name

