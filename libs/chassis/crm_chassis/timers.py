"""Durable timers: rows due at a time, claimed under a lease by any replica, done once.

A service keeps its timers in a table of its own whose rows have at least `id`, `due_at`,
`claim_token`, `lease_until`, `attempts`, `done_at` and `error` (sales' follow-up rules,
marketing's scenario waits). Every replica's timer entrypoint claims due rows with a
conditional UPDATE that sets a lease and a claim token: of replicas racing for a row, one
UPDATE matches. Each row is then performed in its own transaction, which writes its
outcome (done, or due again later) only while the claim is still its own. A replica that
dies mid-way leaves its lease to expire and the row to be claimed again; one that outlived
its lease finds its token replaced and rolls its work back. Free of nameko and eventlet,
like the domain: the service's timer passes its own `pause`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


class DueRows:
    """The timers of one table (a mapped class with the columns above)."""

    def __init__(self, model, lease_seconds: float = 60.0, batch: int = 20):
        self.model = model
        self.lease_seconds = lease_seconds
        self.batch = batch

    def _claimable(self, moment: datetime):
        model = self.model
        return (model.done_at.is_(None), model.due_at <= moment,
                or_(model.lease_until.is_(None), model.lease_until < moment))

    def claim(self, session: Session, moment: datetime | None = None,
              lease_seconds: float | None = None, batch: int | None = None
              ) -> list[tuple[str, str]]:
        """Claim up to a batch of due rows, oldest first; (id, claim token) of each won.
        Commits the claims."""
        moment = moment or datetime.now(UTC)
        lease = timedelta(seconds=self.lease_seconds if lease_seconds is None
                          else lease_seconds)
        model = self.model
        candidates = session.scalars(select(model.id).where(*self._claimable(moment))
                                     .order_by(model.due_at)
                                     .limit(batch or self.batch)).all()
        claimed = []
        for row_id in candidates:
            token = str(uuid.uuid4())
            result = session.execute(
                update(model).where(model.id == row_id, *self._claimable(moment))
                .values(claim_token=token, lease_until=moment + lease,
                        attempts=model.attempts + 1)
                .execution_options(synchronize_session=False))
            if result.rowcount == 1:
                claimed.append((row_id, token))
        session.commit()
        return claimed

    def holds(self, session: Session, row_id: str, token: str):
        """The row, freshly read, if this claim still holds it; else None."""
        row = session.get(self.model, row_id, populate_existing=True)
        if row is None or row.claim_token != token or row.done_at is not None:
            return None
        return row

    def finish(self, session: Session, row_id: str, token: str, **values: Any) -> bool:
        """Write the outcome (`done_at=...` when done, or a new `due_at` to run again) and
        release the lease, only while the claim holds; False when it was lost (the caller
        rolls back its work)."""
        model = self.model
        result = session.execute(
            update(model).where(model.id == row_id, model.claim_token == token,
                                model.done_at.is_(None))
            .values(lease_until=None, **values).execution_options(synchronize_session=False))
        return result.rowcount == 1

    def record_failure(self, session: Session, row_id: str, token: str, error: str) -> None:
        """Keep the error; the lease runs out and a later tick tries again."""
        model = self.model
        session.execute(update(model).where(model.id == row_id, model.claim_token == token)
                        .values(error=error[:2000]).execution_options(synchronize_session=False))
        session.commit()


def run_due(uow, claimed: list[tuple[str, str]], perform: Callable[[Any, str, str], Any],
            record_failure: Callable[[Session, str, str, str], None],
            pause: Callable[[], None], what: str = "timer") -> int:
    """Perform each claimed row in its own transaction; a failure is rolled back, kept as
    the row's error (`record_failure`, e.g. a DueRows' own), and retried when the lease
    ends: one bad row never stops the others. Returns how many went without an error."""
    done = 0
    for row_id, token in claimed:
        try:
            perform(uow, row_id, token)
            done += 1
        except Exception as exc:
            uow.rollback()
            log.exception("%s %s failed; it is retried when its lease ends", what, row_id)
            record_failure(uow.session, row_id, token, f"{type(exc).__name__}: {exc}")
        pause()
    return done
