"""What enters contacts into nurturing scenarios: the events other use cases report here
(a segment joined, a form submitted, a mail opened or clicked, a lead qualified). Kept
apart from operations/scenarios.py, which runs the steps, so that those use cases can call
it without importing what the steps use."""

from __future__ import annotations

from sqlalchemy import select

from marketing.domain import scenarios as rules_of
from marketing.models import Enrolment, Scenario, new_id, now
from marketing.operations.common import ensure_row

ACTIVE, COMPLETED, EXITED = "active", "completed", "exited"


def enrol(uow, event: str, contact_ids: list[str], ref: str | None = None) -> int:
    """Enter the contacts into every active scenario this event triggers, once each
    (a contact already in a scenario stays where it is). Returns how many entered."""
    scenarios = [scenario for scenario in uow.session.scalars(select(Scenario).where(
        Scenario.active.is_(True), Scenario.deleted_at.is_(None)))
        if rules_of.matches(scenario.trigger, event, ref)]
    entered = 0
    moment = now()
    for scenario in scenarios:
        for contact_id in contact_ids:
            row = ensure_row(uow.session, Enrolment, new_id(), scenario_id=scenario.id,
                             contact_id=contact_id, position=0, status=ACTIVE, history=[],
                             entered_at=moment, due_at=moment, attempts=0)
            entered += row is not None
    return entered
