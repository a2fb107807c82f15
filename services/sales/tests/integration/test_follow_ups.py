"""Follow-up rules on a real database: scheduled with their change, done exactly once,
whatever the replicas racing for them or dying in the middle do."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm_chassis.outbox import OutboxEvent
from sales.domain.follow_ups import FollowUpSettings
from sales.models import Activity, FollowUp
from sales.operations import follow_ups, opportunities, pipelines, quotes
from sales.schemas import OpportunityInput, QuoteInput, load

CONFIG = FollowUpSettings(quote_follow_up_days=0, renewal_after_months=0, lease_seconds=60)
LATER = datetime.now(UTC) + timedelta(days=400)


def sent_quote(unit, monkeypatch) -> str:
    monkeypatch.setenv("CRM_SALES_QUOTE_FOLLOW_UP_DAYS", "7")
    quote = quotes.create_quote(unit, load(QuoteInput(), {
        "currency": "EUR", "owner_id": "ann",
        "lines": [{"description": "Work", "quantity": "1", "unit_price": "10"}]}))
    quotes.send_quote(unit, quote.id, None)
    unit.commit()
    return quote.id


def run_all(unit, moment, config=CONFIG) -> list[str | None]:
    return [follow_ups.perform(unit, follow_up_id, token, config)
            for follow_up_id, token in follow_ups.claim_due(unit.session, config, moment)]


def tasks(unit) -> list[Activity]:
    unit.session.expire_all()
    return unit.session.scalars(select(Activity).where(Activity.origin != "manual")).all()


def test_sending_a_quote_schedules_one_follow_up_a_week_later(unit, monkeypatch):
    quote_id = sent_quote(unit, monkeypatch)
    row = unit.session.scalars(select(FollowUp)).one()
    assert row.kind == "quote_follow_up" and row.subject_id == quote_id
    assert timedelta(days=6.9) < row.due_at - datetime.now(UTC) <= timedelta(days=7)
    assert run_all(unit, datetime.now(UTC)) == []  # not due yet
    assert run_all(unit, LATER) == ["task_created"]
    assert run_all(unit, LATER) == []
    [task] = tasks(unit)
    assert task.assignee_id == "ann" and task.quote_id == quote_id and task.type == "task"
    assert task.due_at is not None and task.completed_at is None


def test_an_answered_quote_needs_no_follow_up(unit, monkeypatch):
    quote_id = sent_quote(unit, monkeypatch)
    quotes.reject_quote(unit, quote_id, {"reason": "too dear"}, None)
    unit.commit()
    assert run_all(unit, LATER) == ["answered"]
    assert tasks(unit) == []


def test_replicas_racing_do_each_row_once(unit_for, monkeypatch):
    for _ in range(5):
        sent_quote(unit_for(), monkeypatch)
    first, second = unit_for(), unit_for()
    claimed_by_first = follow_ups.claim_due(first.session, CONFIG, LATER)
    claimed_by_second = follow_ups.claim_due(second.session, CONFIG, LATER)
    assert len(claimed_by_first) == 5 and claimed_by_second == []
    outcomes = [follow_ups.perform(first, i, token, CONFIG) for i, token in claimed_by_first]
    assert outcomes == ["task_created"] * 5
    assert len(tasks(second)) == 5


def test_a_replica_that_died_mid_way_is_replaced_after_its_lease(unit_for, monkeypatch):
    sent_quote(unit_for(), monkeypatch)
    dead, alive = unit_for(), unit_for()
    [(follow_up_id, stale_token)] = follow_ups.claim_due(dead.session, CONFIG, LATER)
    # The claimant dies before performing: nobody else may take the row during its lease...
    assert follow_ups.claim_due(alive.session, CONFIG, LATER) == []
    # ...and once the lease has run out, another replica does it, once.
    after_lease = LATER + timedelta(seconds=CONFIG.lease_seconds + 1)
    assert run_all(alive, after_lease) == ["task_created"]
    # The first claimant comes back to life: its claim is void and it writes nothing.
    assert follow_ups.perform(dead, follow_up_id, stale_token, CONFIG) is None
    assert len(tasks(alive)) == 1
    assert run_all(alive, after_lease + timedelta(days=1)) == []


def test_a_won_deal_gets_a_renewal_reminder_once(unit, monkeypatch):
    monkeypatch.setenv("CRM_SALES_RENEWAL_AFTER_MONTHS", "3")
    deal = opportunities.create_opportunity(unit, load(OpportunityInput(), {
        "name": "Initech", "amount": "100", "currency": "EUR", "owner_id": "bob"}))
    unit.commit()
    opportunities.win_opportunity(unit, deal.id, None)
    unit.commit()
    row = unit.session.scalars(select(FollowUp).where(FollowUp.kind == "renewal")).one()
    assert row.due_at.month == (deal.closed_at.month + 2) % 12 + 1
    # The stagnation check of its last stay finds the deal won: nothing to report.
    assert sorted(run_all(unit, LATER)) == ["moved_on", "task_created"]
    assert run_all(unit, LATER) == []
    [task] = tasks(unit)
    assert task.assignee_id == "bob" and task.opportunity_id == deal.id
    assert task.subject == "Renewal: Initech"


def test_a_stagnant_deal_is_reported_once_per_stay(unit):
    deal = opportunities.create_opportunity(unit, load(OpportunityInput(), {
        "name": "Slow", "amount": "100", "currency": "EUR"}))
    unit.commit()
    stages = pipelines.default_pipeline(unit.session).stages
    stays = unit.session.scalars(select(FollowUp).where(FollowUp.kind == "stagnant")).all()
    assert len(stays) == 1 and stays[0].due_at - deal.stage_entered_at == timedelta(days=30)
    assert run_all(unit, LATER) == ["reported"]
    assert run_all(unit, LATER) == []
    opportunities.move_opportunity(unit, deal.id, {"stage_id": stages[1].id}, None)
    opportunities.move_opportunity(unit, deal.id, {"stage_id": stages[2].id}, None)
    unit.commit()
    # The stay in "Needs analysis" ended before its limit: only "Proposal" is reported.
    assert sorted(run_all(unit, LATER + timedelta(days=60))) == ["moved_on", "reported"]
    unit.session.expire_all()
    reported = unit.session.scalars(select(OutboxEvent).where(
        OutboxEvent.type == "opportunity.stagnant").order_by(OutboxEvent.seq)).all()
    assert [event.data["stage_name"] for event in reported] == ["Qualification", "Proposal"]
    assert reported[1].data["time_limit_days"] == 21


def test_a_failing_row_is_retried_then_given_up(unit, monkeypatch):
    sent_quote(unit, monkeypatch)
    config = replace(CONFIG, max_attempts=2, lease_seconds=1)
    moment = LATER
    for _ in range(2):
        claimed = follow_ups.claim_due(unit.session, config, moment)
        follow_ups.record_failure(unit.session, claimed[0][0], claimed[0][1], "boom")
        moment += timedelta(seconds=2)
    assert run_all(unit, moment, config) == ["gave_up"]
    assert tasks(unit) == []


def test_a_sent_quote_expires_by_itself_after_its_last_valid_day(unit):
    quote = quotes.create_quote(unit, load(QuoteInput(), {
        "currency": "EUR", "valid_until": "2026-12-31",
        "lines": [{"description": "Work", "quantity": "1", "unit_price": "10"}]}))
    quotes.send_quote(unit, quote.id, None)
    unit.commit()
    expiry = unit.session.scalars(select(FollowUp).where(
        FollowUp.kind == "quote_expiry")).one()
    assert expiry.due_at == datetime(2027, 1, 1, tzinfo=UTC)
    assert "expired" in run_all(unit, datetime(2027, 1, 1, 0, 0, 1, tzinfo=UTC))
    unit.session.expire_all()
    assert quotes.get_quote(unit.session, quote.id).status == "expired"
    expired = unit.session.scalars(select(OutboxEvent).where(
        OutboxEvent.type == "quote.expired")).one()
    assert expired.data["quote"]["status"] == "expired"
