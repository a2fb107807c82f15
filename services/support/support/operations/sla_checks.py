"""Breach checks: tickets past a due time, claimed by one replica at a time, each target
reported once.

Every replica's timer claims due tickets with a conditional UPDATE that sets a lease and
a claim token, then handles each in its own transaction, which marks the target breached
only while the claim is still its own. A replica that dies leaves its lease to expire.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from support.domain import sla
from support.domain.tickets import OPEN_STATUSES
from support.models import Team, Ticket, new_id, now
from support.operations.common import flush
from support.operations.tickets import event_ticket, refresh_due_times


@dataclass(frozen=True)
class CheckSettings:
    enabled: bool = True
    lease_seconds: int = 60
    batch: int = 50

    @classmethod
    def from_env(cls) -> CheckSettings:
        enabled = (os.environ.get("CRM_SUPPORT_SLA_CHECKS") or "1").strip().lower() \
            not in {"0", "false", "no", "off"}
        return cls(enabled=enabled,
                   lease_seconds=int(os.environ.get("CRM_SUPPORT_SLA_LEASE_SECONDS") or 60))


def _due(moment: datetime):
    first = and_(Ticket.first_response_due_at <= moment,
                 Ticket.first_response_breached_at.is_(None),
                 Ticket.first_responded_at.is_(None))
    resolution = and_(Ticket.resolution_due_at <= moment,
                      Ticket.resolution_breached_at.is_(None), Ticket.solved_at.is_(None))
    return (Ticket.status.in_(OPEN_STATUSES), Ticket.paused_since.is_(None),
            or_(first, resolution),
            or_(Ticket.check_lease_until.is_(None), Ticket.check_lease_until < moment))


def claim_due(session: Session, config: CheckSettings,
              moment: datetime | None = None) -> list[tuple[str, str]]:
    moment = moment or now()
    candidates = session.scalars(select(Ticket.id).where(*_due(moment))
                                 .order_by(Ticket.created_at).limit(config.batch)).all()
    claimed = []
    for ticket_id in candidates:
        token = new_id()
        # Conditional: of replicas racing for a ticket, only one UPDATE matches it.
        result = session.execute(
            update(Ticket).where(Ticket.id == ticket_id, *_due(moment))
            .values(check_token=token,
                    check_lease_until=moment + timedelta(seconds=config.lease_seconds))
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            claimed.append((ticket_id, token))
    session.commit()
    return claimed


def perform(uow, ticket_id: str, token: str, moment: datetime | None = None) -> list[str]:
    """Report each target of a claimed ticket that has run out; returns those reported."""
    moment = moment or now()
    ticket = uow.session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None or ticket.check_token != token:
        uow.rollback()
        return []
    breached = []
    for target in sla.TARGETS:
        due_at = getattr(ticket, f"{target}_due_at")
        done = ticket.first_responded_at if target == sla.FIRST_RESPONSE else ticket.solved_at
        if due_at is None or due_at > moment or done is not None \
                or getattr(ticket, f"{target}_breached_at") is not None:
            continue
        setattr(ticket, f"{target}_breached_at", moment)
        breached.append((target, due_at))
    raised_to = None
    if breached and ticket.priority != "urgent":
        raised_to = ticket.priority = sla.raised(ticket.priority)
    if breached:
        ticket.escalated, ticket.updated_at = True, moment
    ticket.check_token, ticket.check_lease_until = None, None
    refresh_due_times(uow.session, ticket, moment)
    flush(uow.session)
    team = uow.session.get(Team, ticket.team_id) if ticket.team_id else None
    for target, due_at in breached:
        uow.emit("ticket.sla_breached", {
            "ticket": event_ticket(ticket), "target": target,
            "target_minutes": getattr(ticket, f"{target}_minutes"), "due_at": due_at,
            "breached_at": moment, "priority_raised_to": raised_to,
            "team_id": ticket.team_id, "manager_id": team.manager_id if team else None})
    uow.commit()
    return [target for target, _ in breached]

