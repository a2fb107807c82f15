"""The follow-up rules' schedule: rows due at a time, claimed and performed exactly once.

A row is written in the transaction of the change that calls for it (a quote sent, a deal
won, a stage entered) under a unique key. Every replica's timer claims due rows with a
conditional UPDATE that sets a lease and a claim token; it then performs each row in its
own transaction, which also marks the row done only while the claim is still its own. A
replica that dies mid-way leaves its lease to expire and the row to be claimed again; one
that outlived its lease finds its token replaced and rolls its work back.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from crm_chassis.bulk import insert_with_commit
from crm_chassis.db import conflict_insert
from crm_chassis.timers import DueRows
from sales.domain import follow_ups as rules
from sales.domain.follow_ups import FollowUpSettings
from sales.domain.opportunities import OPEN, WON
from sales.models import FollowUp, Opportunity, Quote, new_id, now

log = logging.getLogger(__name__)


def settings() -> FollowUpSettings:
    return FollowUpSettings.from_env()


def schedule(session: Session, kind: str, subject_id: str, key: str, due_at: datetime) -> None:
    """Add the follow-up unless one with its key exists: one statement, which also lets a
    concurrent writer of the same key win instead of failing on the unique key. Nothing
    reads it back before the commit, so on PostgreSQL it goes out with the COMMIT, in its
    round trip. No autoflush: the caller's record is still changing, and a flush now would
    bump its version twice."""
    table = FollowUp.__table__
    row = {"id": new_id(), "key": key, "kind": kind, "subject_id": subject_id,
           "due_at": due_at, "attempts": 0, "created_at": now()}
    with session.no_autoflush:
        if not insert_with_commit(session, table, row, unless_taken=table.c.key):
            session.execute(conflict_insert(session, table).values(**row)
                            .on_conflict_do_nothing(index_elements=[table.c.key]))


TIMERS = DueRows(FollowUp)


def claim_due(session: Session, config: FollowUpSettings,
              moment: datetime | None = None) -> list[tuple[str, str]]:
    """Claim up to a batch of due rows; returns (id, claim token) of each row won."""
    return TIMERS.claim(session, moment, lease_seconds=config.lease_seconds,
                        batch=config.batch)


def perform(uow, follow_up_id: str, token: str, config: FollowUpSettings) -> str | None:
    """Do one claimed row's action and mark it done, in one transaction; returns the
    outcome, or None when the claim was lost meanwhile (nothing is then written)."""
    row = TIMERS.holds(uow.session, follow_up_id, token)
    if row is None:
        uow.rollback()
        return None
    if row.attempts > config.max_attempts:
        outcome = "gave_up"
        log.error("follow-up %s (%s) gave up after %d attempts: %s", row.key, row.kind,
                  row.attempts - 1, row.error)
    else:
        outcome = ACTIONS[row.kind](uow, row)
    if not TIMERS.finish(uow.session, follow_up_id, token, done_at=now(), outcome=outcome):
        uow.rollback()
        return None
    uow.commit()
    return outcome


def record_failure(session: Session, follow_up_id: str, token: str, error: str) -> None:
    """Keep the error; the lease runs out and another tick tries again."""
    TIMERS.record_failure(session, follow_up_id, token, error)


# --- the actions ----------------------------------------------------------------------------

def _quote_follow_up(uow, row: FollowUp) -> str:
    from sales.operations.activities import add_follow_up_task

    quote = uow.session.get(Quote, row.subject_id)
    if quote is None or quote.deleted_at is not None or quote.status != "sent":
        return "answered"
    add_follow_up_task(uow, origin=rules.QUOTE_FOLLOW_UP, assignee_id=quote.owner_id,
                       subject=rules.follow_up_subject(rules.QUOTE_FOLLOW_UP, quote.number),
                       quote_id=quote.id, opportunity_id=quote.opportunity_id,
                       account_id=quote.account_id, contact_id=quote.contact_id)
    return "task_created"


def _renewal(uow, row: FollowUp) -> str:
    from sales.operations.activities import add_follow_up_task

    deal = uow.session.get(Opportunity, row.subject_id)
    if deal is None or deal.deleted_at is not None or deal.status != WON:
        return "no_longer_won"
    add_follow_up_task(uow, origin=rules.RENEWAL, assignee_id=deal.owner_id,
                       subject=rules.follow_up_subject(rules.RENEWAL, deal.name),
                       opportunity_id=deal.id, account_id=deal.account_id,
                       contact_id=deal.contact_id)
    return "task_created"


def _stagnant(uow, row: FollowUp) -> str:
    from sales.operations.opportunities import opportunity_data

    stay_id = row.key.rsplit(":", 1)[-1]
    deal = uow.session.get(Opportunity, row.subject_id)
    if deal is None or deal.deleted_at is not None or deal.status != OPEN \
            or deal.current_stay_id != stay_id:
        return "moved_on"
    uow.emit("opportunity.stagnant", {
        "opportunity": opportunity_data(deal), "stage_id": deal.stage_id,
        "stage_name": deal.stage.name, "entered_stage_at": deal.stage_entered_at,
        "time_limit_days": deal.stage.time_limit_days or 0, "detected_at": now()})
    return "reported"


def _quote_expiry(uow, row: FollowUp) -> str:
    from sales.operations.quotes import expire_quote

    quote = uow.session.get(Quote, row.subject_id)
    if quote is None or quote.deleted_at is not None or quote.status != "sent":
        return "answered"
    expire_quote(uow, quote.id, None)
    return "expired"


ACTIONS = {rules.QUOTE_FOLLOW_UP: _quote_follow_up, rules.RENEWAL: _renewal,
           rules.STAGNANT: _stagnant, rules.QUOTE_EXPIRY: _quote_expiry}
