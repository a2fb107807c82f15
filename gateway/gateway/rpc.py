"""The gateway's RPC client: a pika client that speaks nameko 2.14's RPC wire protocol.

Request threads (gunicorn's threads) never touch the AMQP connection. One daemon I/O thread per
process owns it and runs pika's SelectConnection loop; a call is handed to that thread with
``add_callback_threadsafe`` and its caller waits on the call's own event until its deadline.
Requests go to the ``nameko-rpc`` exchange as ``<service>.<method>``, mandatory and with
publisher confirms, so a service without a queue fails at once (basic.return) instead of at its
deadline. Replies come back on an exclusive reply queue bound to the same exchange.

nameko has no server-side timeout, so every call carries a deadline owned by the caller: the
request also expires in the broker then, so a stopped service does not find stale requests
(and replay stale writes) when it comes back.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pika
from pika.adapters.select_connection import IOLoop

from gateway.ids import new_id

log = logging.getLogger("gateway.rpc")

RPC_EXCHANGE = "nameko-rpc"
CONTENT_TYPE = "application/json"
HEADER_PREFIX = "nameko."
CALL_ID_STACK = "call_id_stack"

RECONNECT_BACKOFF = (0.25, 5.0)  # first and longest wait between attempts after a failure
MIN_ATTEMPT_GAP = 0.5  # a call reconnects itself only if the last attempt is older than this
SWEEP_INTERVAL = 1.0  # forget calls whose caller gave up, at least this often
BLOCKED_CONNECTION_TIMEOUT = 30.0  # a broker in resource alarm this long counts as down


class RpcError(Exception):
    """Base of every failure of an RPC call."""


class RpcTimeout(RpcError):
    """The service did not answer before the call's deadline."""

    def __init__(self, service: str, method: str, timeout: float):
        super().__init__(service, method, timeout)
        self.service, self.method, self.timeout = service, method, timeout

    def __str__(self) -> str:
        return f"{self.service}.{self.method} did not answer within {self.timeout:g}s"


class ServiceUnavailable(RpcError):
    """The request could not reach the service: no queue, broker down, connection lost."""

    def __init__(self, service: str, reason: str):
        super().__init__(service, reason)
        self.service, self.reason = service, reason

    def __str__(self) -> str:
        return f"{self.service} is unavailable: {self.reason}"


class RemoteError(RpcError):
    """The service raised; the fields are those of nameko's serialised exception."""

    def __init__(self, service: str, method: str, exc_type: str, exc_path: str | None,
                 exc_args: list, value: str):
        super().__init__(service, method, exc_type, exc_path, exc_args, value)
        self.service, self.method = service, method
        self.exc_type, self.exc_path, self.exc_args, self.value = (
            exc_type, exc_path, exc_args, value)

    def __str__(self) -> str:
        return f"{self.service}.{self.method} raised {self.exc_type}: {self.value}"


class PendingCall:
    """A request on its way: its outcome arrives from the I/O thread or its deadline passes."""

    # stages, in order; expiring while waiting for the broker is a ServiceUnavailable
    QUEUED, AWAITING_BROKER, PUBLISHED = "queued", "awaiting broker", "published"

    def __init__(self, service: str, method: str, timeout: float, body: bytes,
                 headers: dict[str, Any]):
        self.service = service
        self.method = method
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.correlation_id = new_id()
        self._body = body
        self._headers = headers
        self._stage = self.QUEUED
        self._settled = threading.Event()
        self._lock = threading.Lock()
        self._value: Any = None
        self._error: RpcError | None = None

    def result(self) -> Any:
        """Wait until the outcome or the deadline; return the result or raise an RpcError."""
        if not self._settled.wait(max(0.0, self.deadline - time.monotonic())):
            self._expire()
        if self._error is not None:
            raise self._error
        return self._value

    def done(self) -> bool:
        """True once the outcome is known, which is at the deadline at the latest."""
        if not self._settled.is_set() and time.monotonic() >= self.deadline:
            self._expire()
        return self._settled.is_set()

    def _expired(self, now: float) -> bool:
        return now >= self.deadline

    def _succeed(self, value: Any) -> bool:
        return self._settle(value, None)

    def _fail(self, error: RpcError) -> bool:
        return self._settle(None, error)

    def _expire(self) -> bool:
        if self._stage == self.AWAITING_BROKER:
            reason = f"no broker connection within the {self.timeout:g}s deadline"
            return self._fail(ServiceUnavailable(self.service, reason))
        return self._fail(RpcTimeout(self.service, self.method, self.timeout))

    def _settle(self, value: Any, error: RpcError | None) -> bool:
        """First outcome wins; a later one (a reply after the deadline) is dropped."""
        with self._lock:
            if self._settled.is_set():
                return False
            self._value, self._error = value, error
            self._settled.set()
            return True

    def __repr__(self) -> str:
        return f"<PendingCall {self.service}.{self.method} {self.correlation_id} {self._stage}>"


def gather(calls: Iterable[PendingCall]) -> list[object]:
    """Wait for all; each entry is the result or the RpcError instance raised (never raises)."""
    outcomes: list[object] = []
    for call in list(calls):  # deadlines are absolute, so waiting in turn still overlaps
        try:
            outcomes.append(call.result())
        except RpcError as error:
            outcomes.append(error)
    return outcomes


class RpcClient:
    """Calls nameko services; one per process, shared by every request thread."""

    def __init__(self, amqp_uri: str, *, default_timeout: float = 5.0, name: str = "gateway"):
        if default_timeout <= 0:
            raise ValueError("default_timeout must be positive")
        pika.URLParameters(amqp_uri)  # a malformed URI fails here, not on the first call
        self._amqp_uri = amqp_uri
        self._default_timeout = default_timeout
        self._name = name
        self._instance = uuid.uuid4().hex[:8]
        self._lock = threading.Lock()
        self._link: _BrokerLink | None = None
        self._closed = False
        _forget_link_in_forked_children(self)

    @property
    def connection_name(self) -> str:
        """The name this process's connection shows in RabbitMQ's management UI."""
        return f"{self._name}.{os.getpid()}.{self._instance}"

    def call(self, service: str, method: str, *args: Any, timeout: float | None = None,
             context: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Call ``service.method(*args, **kwargs)`` and block until its reply or deadline.

        ``timeout`` and ``context`` belong to the call, so they cannot be keyword arguments of
        the remote method. Raises RpcTimeout, ServiceUnavailable or RemoteError (all RpcError),
        and TypeError, before sending anything, for arguments that are not JSON.
        """
        return self.call_async(
            service, method, *args, timeout=timeout, context=context, **kwargs).result()

    def call_async(self, service: str, method: str, *args: Any, timeout: float | None = None,
                   context: dict[str, Any] | None = None, **kwargs: Any) -> PendingCall:
        """Send the request now; the deadline starts now too. Wait with ``result()``."""
        return self.call_all_async([(service, method, args)], timeout=timeout,
                                   context=context, **kwargs)[0]

    def call_all_async(self, requests: Iterable[tuple[str, str, tuple]], *,
                       timeout: float | None = None, context: dict[str, Any] | None = None,
                       **kwargs: Any) -> list[PendingCall]:
        """``call_async`` of each ``(service, method, args)``, handed to the I/O thread in
        one go: one wake-up of it rather than one a call, each of which let it take the GIL
        from the caller between two of its calls."""
        timeout = self._default_timeout if timeout is None else timeout
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        calls = []
        for service, method, args in requests:
            _check_name("service", service)
            _check_name("method", method)
            calls.append(PendingCall(service, method, timeout,
                                     _encode_body(service, method, args, kwargs),
                                     _encode_headers(self._name, context)))
        link = self._current_link()
        if link is None:
            for call in calls:
                call._fail(ServiceUnavailable(call.service, "the RPC client is closed"))
        else:
            link.submit(calls)
        return calls

    def healthy(self) -> bool:
        """Connected to the broker right now (False before the first call)."""
        link = self._link
        return link is not None and link.pid == os.getpid() and link.connected

    def close(self) -> None:
        """Fail the calls in flight, close the connection and stop the I/O thread."""
        with self._lock:
            self._closed = True
            link, self._link = self._link, None
        if link is not None and link.pid == os.getpid():
            link.shutdown()

    def _current_link(self) -> _BrokerLink | None:
        link = self._link
        if link is not None and link.pid == os.getpid():
            return link
        with self._lock:
            if self._closed:
                return None
            if self._link is None or self._link.pid != os.getpid():
                if self._link is not None:
                    log.info("process forked: opening a new broker connection in pid %d",
                             os.getpid())
                self._link = _BrokerLink(self._parameters(), self._name)
                self._link.start()
            return self._link

    def _after_fork_in_child(self) -> None:
        # the parent's I/O thread does not exist here and its lock may have been held at fork
        self._lock = threading.Lock()
        self._link = None

    def _parameters(self) -> pika.URLParameters:
        parameters = pika.URLParameters(self._amqp_uri)
        given = parse_qs(urlsplit(self._amqp_uri).query)
        if "blocked_connection_timeout" not in given:
            parameters.blocked_connection_timeout = BLOCKED_CONNECTION_TIMEOUT
        parameters.client_properties = {"connection_name": self.connection_name}
        return parameters


def _forget_link_in_forked_children(client: RpcClient) -> None:
    """gunicorn forks workers after import: a child must never use its parent's connection."""
    ref = weakref.ref(client)

    def after_in_child() -> None:
        alive = ref()
        if alive is not None:
            alive._after_fork_in_child()

    os.register_at_fork(after_in_child=after_in_child)


def _check_name(kind: str, value: str) -> None:
    if not isinstance(value, str) or not value or "." in value:
        raise ValueError(f"{kind} must be a non-empty name without dots, got {value!r}")


def _encode_body(service: str, method: str, args: tuple, kwargs: dict) -> bytes:
    try:
        text = json.dumps({"args": list(args), "kwargs": kwargs}, allow_nan=False,
                          separators=(",", ":"))
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"arguments of {service}.{method} are not JSON-serialisable: {error}") from error
    return text.encode("utf-8")


_HEADER_SCALARS = (str, bool, int)  # what pika encodes and nameko reads back unchanged


def _encode_headers(name: str, context: dict[str, Any] | None) -> dict[str, Any]:
    """Context data as nameko's ``nameko.<key>`` headers, with this call on the call id stack."""
    context = dict(context or {})
    stack = context.pop(CALL_ID_STACK, None) or []
    if not isinstance(stack, list | tuple):
        raise TypeError("context['call_id_stack'] must be a list of call ids")
    headers: dict[str, Any] = {
        HEADER_PREFIX + CALL_ID_STACK: [*map(str, stack), f"{name}.{new_id()}"]}
    for key, value in context.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"context keys must be non-empty strings, got {key!r}")
        if value is None:  # nameko drops None headers as well
            continue
        if isinstance(value, list | tuple):
            value = list(value)
            ok = all(isinstance(item, _HEADER_SCALARS) for item in value)
        else:
            ok = isinstance(value, _HEADER_SCALARS)
        if not ok:
            raise TypeError(
                f"context[{key!r}] must be a str, int, bool or a list of them, got {value!r}")
        headers[HEADER_PREFIX + key] = value
    return headers


class _BrokerLink:
    """One AMQP connection and the daemon thread that owns it.

    Everything but ``start``, ``submit``, ``shutdown`` and ``connected`` runs on the I/O thread,
    which alone touches the connection and the tables of calls.
    """

    IDLE, CONNECTING, READY, DOWN, CLOSED = "idle", "connecting", "ready", "down", "closed"

    def __init__(self, parameters: pika.URLParameters, name: str):
        self.pid = os.getpid()
        self._parameters = parameters
        self._name = name
        self._ioloop = IOLoop()
        self._thread = threading.Thread(target=self._run, name=f"{name}-rpc-io", daemon=True)
        self._state = self.IDLE
        self._generation = 0  # callbacks of an older connection are ignored
        self._connection: pika.SelectConnection | None = None
        self._channel: Any = None
        self._reply_to = ""
        self._delivery_tag = 0
        self._unconfirmed: dict[int, str] = {}  # delivery tag -> correlation id, in tag order
        self._inflight: dict[str, PendingCall] = {}  # published, awaiting a reply
        self._waiting: list[PendingCall] = []  # accepted while (re)connecting
        self._backoff = RECONNECT_BACKOFF[0]
        self._retry_timer: Any = None
        self._last_attempt = -math.inf
        self._last_error = "not connected yet"

    # --- any thread ---

    @property
    def connected(self) -> bool:
        return self._state == self.READY

    def start(self) -> None:
        self._thread.start()

    def submit(self, calls: list[PendingCall]) -> None:
        self._ioloop.add_callback_threadsafe(self._guarded(partial(self._accept_all, calls)))

    def shutdown(self, timeout: float = 5.0) -> None:
        self._ioloop.add_callback_threadsafe(self._guarded(self._shutdown))
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    # --- the I/O thread ---

    def _run(self) -> None:
        self._ioloop.call_later(SWEEP_INTERVAL, self._guarded(self._sweep))
        while True:
            try:
                self._ioloop.start()
                break  # stopped by shutdown
            except Exception:
                if self._state == self.CLOSED:
                    # pika 1.4 trips an assertion of its own when a connection still in its
                    # AMQP handshake is closed; we are leaving anyway
                    log.debug("error while closing the broker connection", exc_info=True)
                    break
                log.exception("RPC I/O loop failed; dropping the broker connection")
                self._lose_connection("the RPC I/O loop failed", retry_now=False)
        self._ioloop.close()

    def _guarded(self, callback: Callable[..., None]) -> Callable[..., None]:
        def run(*args: Any) -> None:
            try:
                callback(*args)
            except Exception:
                log.exception("RPC client error in %r; dropping the broker connection", callback)
                self._lose_connection("internal error of the RPC client", retry_now=False)
        return run

    def _current(self, callback: Callable[..., None]) -> Callable[..., None]:
        """A callback for the connection being set up now, ignored once it is replaced."""
        generation = self._generation

        def run(*args: Any) -> None:
            if generation == self._generation:
                callback(*args)
        return self._guarded(run)

    def _accept_all(self, calls: list[PendingCall]) -> None:
        for call in calls:
            self._accept(call)

    def _accept(self, call: PendingCall) -> None:
        if call.done():
            return
        if self._state == self.READY:
            self._publish(call)
        elif self._state == self.CLOSED:
            call._fail(ServiceUnavailable(call.service, "the RPC client is closed"))
        elif self._state == self.CONNECTING:
            self._wait_for_broker(call)
        elif (self._state == self.IDLE
              or time.monotonic() - self._last_attempt >= MIN_ATTEMPT_GAP):
            self._wait_for_broker(call)
            self._connect()
        else:  # the broker failed us moments ago: answer now rather than at the deadline
            call._fail(ServiceUnavailable(call.service, f"broker unavailable: {self._last_error}"))

    def _wait_for_broker(self, call: PendingCall) -> None:
        call._stage = call.AWAITING_BROKER
        self._waiting.append(call)

    def _connect(self) -> None:
        if self._retry_timer is not None:
            self._ioloop.remove_timeout(self._retry_timer)
            self._retry_timer = None
        if self._state in (self.CONNECTING, self.READY, self.CLOSED):
            return
        self._state = self.CONNECTING
        self._last_attempt = time.monotonic()
        self._generation += 1
        log.debug("connecting to the broker at %s:%s", self._parameters.host,
                  self._parameters.port)
        try:
            self._connection = pika.SelectConnection(
                self._parameters,
                on_open_callback=self._current(self._on_connection_open),
                on_open_error_callback=self._current(self._on_connection_open_error),
                on_close_callback=self._current(self._on_connection_closed),
                custom_ioloop=self._ioloop,
            )
        except Exception as error:
            self._on_connection_open_error(None, error)

    def _on_connection_open(self, connection: pika.SelectConnection) -> None:
        connection.channel(on_open_callback=self._current(self._on_channel_open))

    def _on_channel_open(self, channel: Any) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._current(self._on_channel_closed))
        channel.add_on_return_callback(self._current(self._on_return))
        # declared exactly as nameko declares it, so either side may come first
        channel.exchange_declare(RPC_EXCHANGE, exchange_type="topic", durable=True,
                                 callback=self._current(self._on_exchange_declared))

    def _on_exchange_declared(self, _frame: Any) -> None:
        routing_key = str(uuid.uuid4())
        queue = f"rpc.reply-{self._name}-{routing_key}"
        self._channel.queue_declare(
            queue, exclusive=True, auto_delete=True,
            callback=self._current(partial(self._on_reply_queue_declared, queue, routing_key)))

    def _on_reply_queue_declared(self, queue: str, routing_key: str, _frame: Any) -> None:
        self._channel.queue_bind(
            queue, RPC_EXCHANGE, routing_key=routing_key,
            callback=self._current(partial(self._on_reply_queue_bound, queue, routing_key)))

    def _on_reply_queue_bound(self, queue: str, routing_key: str, _frame: Any) -> None:
        self._reply_to = routing_key
        self._channel.basic_consume(queue, self._current(self._on_reply), auto_ack=True,
                                    callback=self._current(self._on_consuming))

    def _on_consuming(self, _frame: Any) -> None:
        self._delivery_tag = 0
        self._unconfirmed.clear()
        self._channel.confirm_delivery(self._current(self._on_confirm),
                                       callback=self._current(self._on_ready))

    def _on_ready(self, _frame: Any) -> None:
        self._state = self.READY
        self._backoff = RECONNECT_BACKOFF[0]
        log.info("connected to the broker at %s:%s as %r", self._parameters.host,
                 self._parameters.port, self._parameters.client_properties["connection_name"])
        waiting, self._waiting = self._waiting, []
        for call in waiting:
            self._accept(call)

    def _on_connection_open_error(self, _connection: Any, error: BaseException) -> None:
        self._connection = self._channel = None
        self._generation += 1
        if self._state == self.CLOSED:
            self._ioloop.stop()
            return
        self._state = self.DOWN
        self._last_error = _describe(error)
        delay = self._next_backoff()
        log.warning("cannot connect to the broker: %s; retrying in %gs", self._last_error, delay)
        self._fail_all(f"cannot connect to the broker: {self._last_error}")
        self._schedule_reconnect(delay)

    def _on_connection_closed(self, _connection: Any, reason: BaseException) -> None:
        if self._state == self.CLOSED:
            self._connection = self._channel = None
            self._ioloop.stop()
            return
        # a connection that served for a while is retried at once; one that keeps dying backs off
        settled = time.monotonic() - self._last_attempt >= MIN_ATTEMPT_GAP
        self._lose_connection(f"lost the broker connection: {_describe(reason)}",
                              retry_now=self._state == self.READY and settled)

    def _on_channel_closed(self, _channel: Any, reason: BaseException) -> None:
        if self._state == self.CLOSED:
            return
        log.warning("RPC channel closed: %s", _describe(reason))
        if self._connection is not None and self._connection.is_open:
            self._connection.close()  # start afresh; _on_connection_closed follows

    def _lose_connection(self, reason: str, *, retry_now: bool) -> None:
        """Forget the connection, fail every call that depended on it, and plan a new one."""
        connection = self._connection
        self._connection = self._channel = None
        self._generation += 1
        if connection is not None and not (connection.is_closing or connection.is_closed):
            try:
                connection.close()
            except Exception:  # already broken: nothing left to close politely
                log.debug("closing a broken connection failed", exc_info=True)
        if self._state == self.CLOSED:
            return
        self._state = self.DOWN
        self._last_error = reason
        log.warning("%s; failing %d pending calls", reason,
                    len(self._inflight) + len(self._waiting))
        self._fail_all(reason)
        self._schedule_reconnect(0.0 if retry_now else self._next_backoff())

    def _next_backoff(self) -> float:
        delay = self._backoff
        self._backoff = min(delay * 2, RECONNECT_BACKOFF[1])
        return delay

    def _schedule_reconnect(self, delay: float) -> None:
        if self._retry_timer is not None:
            self._ioloop.remove_timeout(self._retry_timer)
        self._retry_timer = self._ioloop.call_later(delay, self._guarded(self._reconnect))

    def _reconnect(self) -> None:
        self._retry_timer = None
        if self._state == self.DOWN:
            self._connect()

    def _publish(self, call: PendingCall) -> None:
        remaining = call.deadline - time.monotonic()
        if remaining <= 0:
            call._expire()
            return
        properties = pika.BasicProperties(
            content_type=CONTENT_TYPE,
            content_encoding="utf-8",
            correlation_id=call.correlation_id,
            reply_to=self._reply_to,
            headers=call._headers,
            delivery_mode=pika.DeliveryMode.Transient,
            # an unanswered request dies with its deadline instead of waiting in the queue
            expiration=str(math.ceil(remaining * 1000)),
        )
        try:
            self._channel.basic_publish(RPC_EXCHANGE, f"{call.service}.{call.method}",
                                        call._body, properties, mandatory=True)
        except Exception as error:
            call._fail(ServiceUnavailable(call.service, f"publish failed: {_describe(error)}"))
            self._lose_connection(f"publish failed: {_describe(error)}", retry_now=False)
            return
        self._inflight[call.correlation_id] = call
        call._stage = call.PUBLISHED
        self._delivery_tag += 1
        self._unconfirmed[self._delivery_tag] = call.correlation_id
        log.debug("sent %s.%s (%s)", call.service, call.method, call.correlation_id)

    def _on_return(self, _channel: Any, method: Any, properties: Any, _body: bytes) -> None:
        call = self._inflight.pop(properties.correlation_id, None)
        if call is not None:
            reason = f"no queue for {method.routing_key} ({method.reply_text})"
            call._fail(ServiceUnavailable(call.service, reason))

    def _on_confirm(self, frame: Any) -> None:
        refused = isinstance(frame.method, pika.spec.Basic.Nack)
        last = frame.method.delivery_tag
        tags = [tag for tag in self._unconfirmed if tag <= last] if frame.method.multiple \
            else [last]
        for tag in tags:
            correlation_id = self._unconfirmed.pop(tag, None)
            call = self._inflight.pop(correlation_id, None) if refused else None
            if call is not None:
                call._fail(ServiceUnavailable(call.service, "the broker refused the request"))

    def _on_reply(self, _channel: Any, _method: Any, properties: Any, body: bytes) -> None:
        call = self._inflight.pop(properties.correlation_id, None)
        if call is None:
            log.debug("dropping a late reply (%s)", properties.correlation_id)
            return
        try:
            reply = json.loads(body)
            error, result = reply.get("error"), reply.get("result")
        except (ValueError, AttributeError):
            log.warning("malformed reply from %s.%s: %.200r", call.service, call.method, body)
            call._fail(RpcError(f"malformed reply from {call.service}.{call.method}"))
            return
        settled = call._fail(_remote_error(call, error)) if error else call._succeed(result)
        if not settled:
            log.debug("dropping a late reply (%s)", properties.correlation_id)

    def _sweep(self) -> None:
        """Forget calls whose deadline passed, so an unanswered request does not leak."""
        now = time.monotonic()
        for correlation_id, call in list(self._inflight.items()):
            if call._expired(now):
                call._expire()
                del self._inflight[correlation_id]
        self._waiting = [call for call in self._waiting if not call.done()]
        self._ioloop.call_later(SWEEP_INTERVAL, self._guarded(self._sweep))

    def _fail_all(self, reason: str) -> None:
        calls = [*self._inflight.values(), *self._waiting]
        self._inflight.clear()
        self._waiting.clear()
        self._unconfirmed.clear()
        for call in calls:
            call._fail(ServiceUnavailable(call.service, reason))

    def _shutdown(self) -> None:
        self._state = self.CLOSED
        if self._retry_timer is not None:
            self._ioloop.remove_timeout(self._retry_timer)
            self._retry_timer = None
        calls = [*self._inflight.values(), *self._waiting]
        self._inflight.clear()
        self._waiting.clear()
        for call in calls:
            call._fail(ServiceUnavailable(call.service, "the RPC client is closed"))
        connection = self._connection
        if connection is None or connection.is_closed:
            self._ioloop.stop()
            return
        if not connection.is_closing:
            connection.close()
        # the close callbacks stop the loop; this stops it if the broker never answers
        self._ioloop.call_later(2.0, self._ioloop.stop)


def _remote_error(call: PendingCall, error: Any) -> RemoteError:
    if not isinstance(error, dict):
        error = {"exc_type": "RemoteError", "value": str(error)}
    return RemoteError(call.service, call.method, str(error.get("exc_type")),
                       error.get("exc_path"), list(error.get("exc_args") or []),
                       str(error.get("value")))


def _describe(error: BaseException | None) -> str:
    return f"{type(error).__name__}: {error}" if error is not None else "unknown reason"
