"""Nurturing scenarios on a real database: enrolment by a trigger, steps run by durable
timers (a wait survives anything, a step runs once), branches on engagement, and what is
asked of sales and contacts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm_chassis import settings
from crm_chassis.outbox import OutboxEvent
from marketing import handlers
from marketing.domain import links
from marketing.domain.campaigns import SendSettings
from marketing.exceptions import InvalidTransition, ValidationFailed
from marketing.models import Enrolment, Recipient
from marketing.operations import delivery, scenarios, scoring, segments, templates, tracking
from marketing.schemas import ScenarioInput, SegmentInput, TemplateInput, load

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv("CRM_SECRET_KEY", "s" * 48)


def events(unit, event_type: str) -> list[dict]:
    unit.session.expire_all()
    return [row.data for row in unit.session.scalars(
        select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.seq))]


def contact(unit, cid: str, consent="granted", **fields):
    handlers.project_contact(unit, {"id": cid, "version": 1, "email": f"{cid}@acme.example",
                                    "owner_id": "rep-1", **fields})
    handlers.record_consent(unit, {"contact_id": cid, "channel": "email", "status": consent,
                                   "recorded_at": T0})
    unit.commit()


def setup(unit, steps):
    vips = segments.create_segment(unit, load(SegmentInput(), {"name": "Trial users",
                                                               "kind": "static"}), None)
    welcome = templates.create_template(unit, load(TemplateInput(), {
        "name": "Welcome", "subject": "Welcome {{ contact.first_name }}",
        "text_body": "Hello\n{{ unsubscribe_url }}"}))
    unit.commit()
    steps = [dict(step, template_id=welcome.id) if step["type"] == "send" else step
             for step in steps]
    scenario = scenarios.create_scenario(unit, load(ScenarioInput(), {
        "name": "Trial nurture", "trigger": {"event": "segment.joined",
                                             "segment_id": vips.id}, "steps": steps}))
    unit.commit()
    return vips, scenario


def run(unit, moment=None, stages=None):
    claimed = scenarios.TIMERS.claim(unit.session, moment)
    return [scenarios.advance(unit, row_id, token,
                              lambda cid, stage: (stages if stages is not None else []).append(
                                  (cid, stage)))
            for row_id, token in claimed]


def send_mails(unit):
    config = SendSettings(public_url="https://crm.example")
    sent = []
    for rid, token in delivery.claim_due(unit.session, config):
        delivery.perform(unit, rid, token, config, sent.append)
    return sent


STEPS = [{"type": "send"}, {"type": "wait", "days": 2},
         {"type": "branch", "on": "opened", "then": 3, "else": 5},
         {"type": "add_score", "points": 25},
         {"type": "set_lifecycle_stage", "stage": "marketing_qualified_lead"},
         {"type": "create_task", "subject": "Call about the trial", "due_in_days": 1}]


def test_contacts_move_through_the_steps_and_branch_on_engagement(unit):
    contact(unit, "ann")
    contact(unit, "bob")
    trial, scenario = setup(unit, STEPS)
    segments.add_members(unit, trial.id, ["ann", "bob"])
    unit.commit()
    assert run(unit) == ["active", "active"]  # each sent the mail, now waiting 2 days
    assert {mail.to for mail in send_mails(unit)} == {"ann@acme.example", "bob@acme.example"}
    ann_mail = unit.session.scalar(select(Recipient.id).where(Recipient.contact_id == "ann"))
    key = settings.secret_key()
    tracking.opened(unit, key, links.make(key, links.OPEN, ann_mail))
    unit.commit()
    assert run(unit) == []  # the wait holds
    stages = []
    later = datetime.now(UTC) + timedelta(days=2, seconds=1)
    assert sorted(run(unit, later, stages)) == ["completed", "completed"]
    assert stages == [("ann", "marketing_qualified_lead")]
    assert scoring.lead_score(unit.session, "ann", scoring.ScoreSettings())["score"] == 25
    tasks = events(unit, "scenario.task_requested")
    assert sorted((t["contact_id"], t["owner_id"]) for t in tasks) == [("ann", "rep-1"),
                                                                       ("bob", "rep-1")]
    [bob_path] = scenarios.contact_enrolments(unit.session, "bob")
    assert [h["type"] for h in bob_path["history"]] == ["send", "wait", "branch",
                                                        "create_task"]
    [ann] = scenarios.contact_enrolments(unit.session, "ann")
    assert ann["status"] == "completed" and [h["type"] for h in ann["history"]] == [
        "send", "wait", "branch", "add_score", "set_lifecycle_stage", "create_task"]
    bob = scenarios.enrolments(unit.session, scenario.id, {"filters": {}, "limit": 10})
    assert [e["contact_id"] for e in bob["items"]] == ["ann", "bob"]
    assert scenarios.scenario_data(unit.session, scenario)["enrolments"]["completed"] == 2


def test_a_contact_enters_once_and_a_step_is_not_run_twice(unit_for):
    first, second = unit_for(), unit_for()
    contact(first, "ann")
    trial, _ = setup(first, [{"type": "send"}, {"type": "wait", "hours": 1}])
    segments.add_members(first, trial.id, ["ann"])
    first.commit()
    segments.remove_members(first, trial.id, ["ann"])
    segments.add_members(first, trial.id, ["ann"])  # joins again: still one enrolment
    first.commit()
    assert len(first.session.scalars(select(Enrolment)).all()) == 1
    [(row_id, token)] = scenarios.TIMERS.claim(first.session)  # then the replica dies
    assert scenarios.TIMERS.claim(second.session) == []
    later = datetime.now(UTC) + timedelta(seconds=121)
    [(again, token2)] = scenarios.TIMERS.claim(second.session, later)
    assert scenarios.advance(second, again, token2, lambda *a: None) == "active"
    assert scenarios.advance(first, row_id, token, lambda *a: None) is None
    assert len(first.session.scalars(select(Recipient)).all()) == 1


def test_no_consent_no_mail_and_a_stopped_scenario_lets_everyone_go(unit):
    contact(unit, "cid", consent="withdrawn")
    trial, scenario = setup(unit, [{"type": "send"}, {"type": "wait", "days": 1},
                                   {"type": "add_score", "points": 5}])
    segments.add_members(unit, trial.id, ["cid"])
    unit.commit()
    run(unit)
    [enrolment] = scenarios.contact_enrolments(unit.session, "cid")
    assert enrolment["history"][0]["outcome"] == "not sent: no email consent"
    scenarios.delete_scenario(unit, scenario.id, None)
    unit.commit()
    assert run(unit, datetime.now(UTC) + timedelta(days=2)) == []
    assert scenarios.contact_enrolments(unit.session, "cid")[0]["status"] == "exited"


def test_scenarios_are_checked_when_saved(unit):
    with pytest.raises(ValidationFailed) as refused:
        scenarios.create_scenario(unit, load(ScenarioInput(), {
            "name": "x", "trigger": {"event": "segment.joined"},
            "steps": [{"type": "wait"}, {"type": "send", "template_id": "nope"},
                      {"type": "branch", "on": "opened", "then": 9, "else": 0},
                      {"type": "teleport"}]}))
    assert {"trigger.segment_id", "steps.0", "steps.2", "steps.3"} <= set(
        refused.value.errors)
    trial, scenario = setup(unit, [{"type": "send"}, {"type": "wait", "days": 1}])
    contact(unit, "ann")
    segments.add_members(unit, trial.id, ["ann"])
    unit.commit()
    with pytest.raises(InvalidTransition):
        scenarios.update_scenario(unit, scenario.id, {"steps": [{"type": "add_score",
                                                                 "points": 1}]}, None)


def test_the_360_part_shows_segments_mails_score_and_enrolments(unit):
    from marketing.operations import customer

    handlers.project_account(unit, {"id": "acc", "name": "Globex", "version": 1})
    contact(unit, "ann", account_id="acc")
    trial, _ = setup(unit, [{"type": "send"}, {"type": "wait", "days": 1}])
    segments.add_members(unit, trial.id, ["ann"])
    unit.commit()
    run(unit)
    send_mails(unit)
    view = customer.contact_view(unit.session, "ann", scoring.ScoreSettings())
    assert [s["name"] for s in view["segments"]] == ["Trial users"]
    assert view["campaigns"][0]["status"] == "sent" and view["campaigns"][0]["scenario_id"]
    assert view["lead_score"]["score"] == 0 and view["enrolments"][0]["position"] == 2
    assert view["enrolments"] == scenarios.contact_enrolments(unit.session, "ann")
    assert view["enrolments"][0]["scenario_name"] == "Trial nurture"
    account = customer.account_view(unit.session, "acc", scoring.ScoreSettings())
    assert account["segments"] == [{"id": trial.id, "name": "Trial users", "members": 1}]
    assert account["campaigns"][0]["recipients"] == 1
    assert account["enrolments"][0]["contacts"] == 1
