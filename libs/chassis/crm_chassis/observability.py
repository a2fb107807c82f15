"""Structured logs that carry the correlation id, and Prometheus metrics.

Every log line, ours or a library's, goes through structlog's formatter, which adds the
context bound for the current worker (correlation id, entrypoint), so one request can be
followed across the gateway and every service it touched.
"""

from __future__ import annotations

import os
import time

import structlog
from nameko.extensions import DependencyProvider
from nameko.timer import Timer
from prometheus_client import Counter, Histogram, start_http_server

from crm_contracts.heap import freeze_startup_heap
from crm_contracts.logs import configure_logging

log = structlog.get_logger("crm.worker")

WORKERS = Counter("crm_worker_total", "Entrypoint calls handled", ["service", "entrypoint",
                                                                   "outcome"])
WORKER_SECONDS = Histogram("crm_worker_seconds", "Entrypoint duration", ["service",
                                                                         "entrypoint"])
EVENTS_PUBLISHED = Counter("crm_events_published_total", "Outbox events published",
                           ["service"])
EVENTS_HANDLED = Counter("crm_events_handled_total", "Events consumed",
                         ["service", "handler", "outcome"])
RELAY_IDLE = Histogram("crm_outbox_relay_idle_seconds", "Relay waits between batches",
                       ["service"])


def serve_metrics() -> None:
    port = os.environ.get("CRM_METRICS_PORT")
    if port:
        start_http_server(int(port), addr=os.environ.get("CRM_METRICS_HOST", "127.0.0.1"))


class Observability(DependencyProvider):
    """Binds the worker's correlation id to every log line and times every entrypoint."""

    def __init__(self, service_name: str):
        self.service_name = service_name
        self.started: dict[object, float] = {}

    def setup(self) -> None:
        configure_logging()
        serve_metrics()

    def start(self) -> None:
        # Every extension is set up by now: what start-up made is the heap to freeze.
        freeze_startup_heap()

    def worker_setup(self, worker_ctx) -> None:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            service=self.service_name,
            entrypoint=worker_ctx.entrypoint.method_name,
            correlation_id=worker_ctx.data.get("correlation_id"),
        )
        self.started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        name = worker_ctx.entrypoint.method_name
        outcome = "error" if exc_info else "ok"
        WORKERS.labels(self.service_name, name, outcome).inc()
        started = self.started.pop(worker_ctx, None)
        if started is not None:
            seconds = time.perf_counter() - started
            WORKER_SECONDS.labels(self.service_name, name).observe(seconds)
            # The service's access log: one line per call (timers tick too often to log).
            if not isinstance(worker_ctx.entrypoint, Timer):
                log.info("handled", outcome=outcome, ms=round(seconds * 1000, 1))

    def worker_teardown(self, worker_ctx) -> None:
        self.started.pop(worker_ctx, None)
        structlog.contextvars.clear_contextvars()
