"""Test-only nameko services that exercise the chassis the way a real service does.

`ProbeProducer` writes a change and its event in one unit of work (exchange
`contacts.events`, because its `Database` is named `contacts`). `ProbeConsumer` reacts to
contacts events through `consumes`; its handlers record what they did in probe tables so a
test can count effects instead of trusting logs. Imported by the tests in this folder and
started as a real process with `nameko run chassis_probe_services:ProbeProducer`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from nameko.extensions import DependencyProvider
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from crm_chassis.consumer import consumes
from crm_chassis.db import Base
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import rpc

PRODUCER = "chassis_probe_producer"
CONSUMER = "chassis_probe_consumer"
ATTEMPTS = 3
BATCH = 5  # events per batch of the batching consumer at most

# Every call of a consumer handler, in order: (handler, event id). Duplicates that the
# inbox skips never reach a handler, so they are not in here.
CALLS: list[tuple[str, str]] = []
# Contacts (and accounts) whose erasure (deletion) fails until a test "fixes the cause" by
# discarding them.
BROKEN_CONTACTS: set[str] = set()


class ProbeDeletion(Base):
    """The producer's state change, committed with its `contact.deleted` event."""

    __tablename__ = "chassis_probe_deletions"

    contact_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column()


class ProbeEffect(Base):
    """One row per event a consumer handler applied."""

    __tablename__ = "chassis_probe_effects"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    handler: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    contact_id: Mapped[str] = mapped_column(String(64))
    envelope_correlation_id: Mapped[str | None] = mapped_column(String(64))
    context_correlation_id: Mapped[str | None] = mapped_column(String(64))


class ProbeConsent(Base):
    """A read model where the newest consent wins, whatever order events arrive in."""

    __tablename__ = "chassis_probe_consents"

    contact_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column()


class WorkerContextData(DependencyProvider):
    """The worker's context data as nameko unpacked it from the message headers."""

    def get_dependency(self, worker_ctx) -> dict[str, Any]:
        return worker_ctx.data


class ProbeProducer:
    name = PRODUCER

    db = Database("contacts")

    @rpc
    def delete_contact(self, contact_id: str) -> str:
        self.db.session.add(ProbeDeletion(contact_id=contact_id, deleted_at=datetime.now(UTC)))
        self.db.emit("contact.deleted", {"contact_id": contact_id, "changed_by": None})
        self.db.commit()
        return contact_id


class ProbeConsumer:
    name = CONSUMER

    db = Database(CONSUMER)
    context = WorkerContextData()

    def _record(self, handler: str, event: dict[str, Any]) -> None:
        self.db.session.add(ProbeEffect(
            handler=handler, event_id=event["id"], contact_id=event["data"]["contact_id"],
            envelope_correlation_id=event["correlation_id"],
            context_correlation_id=self.context.get("correlation_id"),
        ))

    @consumes("contacts", "contact.deleted", attempts=ATTEMPTS)
    def forget_deleted_contact(self, event: dict[str, Any]) -> None:
        CALLS.append(("forget_deleted_contact", event["id"]))
        self._record("forget_deleted_contact", event)

    @consumes("contacts", "contact.erased", attempts=ATTEMPTS)
    def erase_contact(self, event: dict[str, Any]) -> None:
        CALLS.append(("erase_contact", event["id"]))
        # Work done before the failure is written (flushed) first, as a real handler's
        # would be: the chassis must roll it back, and must not hold its locks meanwhile.
        self._record("erase_contact", event)
        self.db.session.flush()
        if event["data"]["contact_id"] in BROKEN_CONTACTS:
            raise RuntimeError(f"cannot erase {event['data']['contact_id']} yet")

    @consumes("contacts", "account.deleted", attempts=ATTEMPTS, batch=(BATCH, 0.3))
    def forget_deleted_accounts(self, events: list[dict[str, Any]]) -> None:
        CALLS.append(("forget_deleted_accounts", tuple(event["id"] for event in events)))
        for event in events:
            account_id = event["data"]["account_id"]
            self.db.session.add(ProbeEffect(
                handler="forget_deleted_accounts", event_id=event["id"],
                contact_id=account_id, envelope_correlation_id=event["correlation_id"],
                context_correlation_id=self.context.get("correlation_id")))
            self.db.session.flush()
            if account_id in BROKEN_CONTACTS:
                raise RuntimeError(f"cannot forget {account_id} yet")

    @consumes("contacts", "consent.changed", attempts=ATTEMPTS)
    def apply_consent(self, event: dict[str, Any]) -> None:
        CALLS.append(("apply_consent", event["id"]))
        data = event["data"]
        self._record("apply_consent", event)
        current = self.db.session.get(ProbeConsent, (data["contact_id"], data["channel"]))
        if current is None:
            self.db.session.add(ProbeConsent(contact_id=data["contact_id"],
                                             channel=data["channel"], status=data["status"],
                                             recorded_at=data["recorded_at"]))
        elif data["recorded_at"] > current.recorded_at:
            current.status = data["status"]
            current.recorded_at = data["recorded_at"]
