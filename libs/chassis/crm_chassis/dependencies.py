"""nameko dependency providers: the only place where the chassis meets eventlet and nameko."""

from __future__ import annotations

import logging
import time
from typing import Any

import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from crm_chassis import observability, settings
from crm_chassis.amqp import ConfirmedPublisher
from crm_chassis.db import make_engine
from crm_chassis.outbox import publish_pending, record_event
from crm_chassis.records import CHANGED_MEANWHILE
from crm_contracts.errors import StaleVersion

log = logging.getLogger(__name__)

RELAY_BATCH = 200  # events per relay round


class UnitOfWork:
    """One worker's transaction: its session and the events it will publish on commit."""

    def __init__(self, provider: Database, session: Session, context: dict[str, Any]):
        self._provider = provider
        self.session = session
        self.context = context
        self._emitted = False

    @property
    def actor_id(self) -> str | None:
        return self.context.get("user_id")

    def emit(self, event_type: str, data: dict[str, Any], version: int | None = None) -> None:
        record_event(self.session, self._provider.service_name, event_type, data,
                     correlation_id=self.context.get("correlation_id"), version=version)
        self._emitted = True

    def commit(self) -> None:
        try:
            self.session.commit()
        except StaleDataError:
            # Someone else's write landed between our read and our write.
            self.rollback()
            raise StaleVersion(CHANGED_MEANWHILE) from None
        if self._emitted:
            self._emitted = False
            self._provider.wake_relay()

    def rollback(self) -> None:
        self.session.rollback()
        self._emitted = False


class Database(DependencyProvider):
    """Injects a `UnitOfWork` per worker and runs the outbox relay beside the service.

    The relay can be turned off with CRM_OUTBOX_RELAY=0, to run it elsewhere or to let a
    test stop a service between the commit and the publication.

    Woken by a commit, the relay lingers CRM_OUTBOX_LINGER_MS (default 10) before it reads the
    outbox, so that the commits of concurrent workers go out in one batch: one query, one
    update and one round of confirms for many events instead of one each.
    """

    def __init__(self, service_name: str):
        self.service_name = service_name
        self.units: dict[Any, UnitOfWork] = {}

    def setup(self) -> None:
        if eventlet.patcher.is_monkey_patched("socket"):
            # psycopg2 does its own socket I/O in C: without this it would block the hub.
            from psycogreen.eventlet import patch_psycopg

            patch_psycopg()
        self.engine = make_engine(settings.database_url(self.service_name))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.amqp_uri = self.container.config.get("AMQP_URI") or settings.amqp_uri()
        self.relay_enabled = settings.flag("CRM_OUTBOX_RELAY", True)
        self.linger = settings.milliseconds("CRM_OUTBOX_LINGER_MS", 10)
        self._wake = Event()
        self._running = False

    def start(self) -> None:
        if self.relay_enabled:
            self._running = True
            self.container.spawn_managed_thread(self._relay_loop, identifier="outbox-relay")

    def stop(self) -> None:
        self._running = False
        self.wake_relay()

    def kill(self) -> None:
        self.stop()

    def get_dependency(self, worker_ctx) -> UnitOfWork:
        unit = UnitOfWork(self, self.sessions(), worker_ctx.data)
        self.units[worker_ctx] = unit
        return unit

    def worker_teardown(self, worker_ctx) -> None:
        unit = self.units.pop(worker_ctx, None)
        if unit is not None:
            unit.session.rollback()
            unit.session.close()

    def wake_relay(self) -> None:
        if not self._wake.ready():
            self._wake.send(True)

    def _relay_loop(self) -> None:
        publisher = ConfirmedPublisher(self.amqp_uri)
        backoff = 0.5
        while self._running:
            try:
                with self.sessions() as session:
                    published = publish_pending(session, publisher, RELAY_BATCH)
                observability.EVENTS_PUBLISHED.labels(self.service_name).inc(published)
                backoff = 0.5
                if published >= RELAY_BATCH:
                    continue  # a backlog: drain it at full speed
                if self._wait(1.0) and self.linger:
                    eventlet.sleep(self.linger)
            except Exception:
                # Broker or database away: the rows stay unpublished and go out later.
                log.warning("outbox relay failed, retrying in %.1fs", backoff, exc_info=True)
                publisher.close()
                self._wait(backoff)
                backoff = min(backoff * 2, 10.0)
        publisher.close()

    def _wait(self, seconds: float) -> bool:
        """Wait for a commit, at most `seconds`; True when a commit woke the relay."""
        started = time.monotonic()
        with eventlet.Timeout(seconds, False):
            self._wake.wait()
        woken = self._wake.ready()
        if woken:
            self._wake.reset()
        observability.RELAY_IDLE.labels(self.service_name).observe(time.monotonic() - started)
        return woken
