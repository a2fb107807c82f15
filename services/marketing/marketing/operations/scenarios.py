"""Nurturing scenarios: contacts enrolled by a trigger, then moved through the steps by
durable timers (crm_chassis.timers), each run in one transaction that also writes where
the contact is now and when its next step is due. Each enrolment's position and history
are visible; a contact enters a scenario once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_chassis.timers import DueRows
from marketing.domain import campaigns as lifecycle
from marketing.domain import scenarios as rules_of
from marketing.domain.mail import message_id
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import InvalidTransition, ValidationFailed
from marketing.models import (
    AccountView,
    Campaign,
    ContactView,
    Enrolment,
    Form,
    Recipient,
    Scenario,
    ScoreEntry,
    Segment,
    Template,
    new_id,
    now,
)
from marketing.operations import scoring
from marketing.operations.common import (
    apply,
    check_version,
    flush,
    get_or_404,
    page,
    plain,
)
from marketing.operations.triggers import ACTIVE, COMPLETED, EXITED

TIMERS = DueRows(Enrolment, lease_seconds=120, batch=50)
HISTORY_KEPT = 100


# --- definitions --------------------------------------------------------------------------

def _check(session: Session, trigger: Any, steps: Any) -> None:
    errors = rules_of.check(trigger, steps)
    if not errors:
        ref = trigger.get("segment_id")
        if ref and (session.get(Segment, ref) is None or session.get(Segment, ref).deleted_at):
            errors["trigger.segment_id"] = [f"no segment {ref}"]
        if trigger.get("form_id") and session.get(Form, trigger["form_id"]) is None:
            errors["trigger.form_id"] = [f"no form {trigger['form_id']}"]
        for index, step in enumerate(steps):
            if step["type"] == "send":
                template = session.get(Template, step["template_id"])
                if template is None or template.deleted_at is not None:
                    errors[f"steps.{index}.template_id"] = [f"no template {step['template_id']}"]
    if errors:
        raise ValidationFailed("the scenario is not valid", errors)


def get_scenario(session: Session, scenario_id: str) -> Scenario:
    return get_or_404(session, Scenario, scenario_id, "scenario")


def create_scenario(uow, values: dict[str, Any]) -> Scenario:
    _check(uow.session, values["trigger"], values["steps"])
    scenario = Scenario(**values)
    uow.session.add(scenario)
    flush(uow.session)
    return scenario


def _enrolled(session: Session, scenario_id: str) -> bool:
    return session.scalar(select(Enrolment.id).where(
        Enrolment.scenario_id == scenario_id, Enrolment.status == ACTIVE).limit(1)) is not None


def update_scenario(uow, scenario_id: str, values: dict[str, Any], expected: int | None
                    ) -> Scenario:
    scenario = get_scenario(uow.session, scenario_id)
    check_version(scenario, expected)
    if "steps" in values and _enrolled(uow.session, scenario.id):
        raise InvalidTransition("contacts are on their way through these steps: deactivate "
                                "and copy the scenario to change them")
    _check(uow.session, values.get("trigger", scenario.trigger),
           values.get("steps", scenario.steps))
    if apply(scenario, values):
        flush(uow.session)
    return scenario


def delete_scenario(uow, scenario_id: str, expected: int | None) -> None:
    """Stops the scenario: active enrolments exit, no one enters any more."""
    scenario = get_scenario(uow.session, scenario_id)
    check_version(scenario, expected)
    scenario.deleted_at = scenario.updated_at = now()
    scenario.active = False
    for enrolment in uow.session.scalars(select(Enrolment).where(
            Enrolment.scenario_id == scenario.id, Enrolment.status == ACTIVE)):
        enrolment.status, enrolment.done_at = EXITED, now()
    flush(uow.session)


def list_scenarios(session: Session, values: dict[str, Any]):
    return page(session, select(Scenario).where(Scenario.deleted_at.is_(None)), Scenario,
                values)


# --- running ------------------------------------------------------------------------------

def _campaign_for(session: Session, scenario: Scenario, position: int, template_id: str
                  ) -> Campaign:
    """The campaign that holds one send step's mails (for tracking and metrics)."""
    name = f"{scenario.name} · step {position + 1}"
    campaign = session.scalar(select(Campaign).where(
        Campaign.scenario_id == scenario.id, Campaign.template_id == template_id,
        Campaign.name == name))
    if campaign is None:
        campaign = Campaign(name=name[:200], segment_id=None, template_id=template_id,
                            scenario_id=scenario.id, status=lifecycle.AUTOMATED, cost=0,
                            currency="EUR", skipped_without_consent=0, started_at=now())
        session.add(campaign)
        flush(session)
    return campaign


def _last_mail(session: Session, scenario: Scenario, contact_id: str) -> Recipient | None:
    return session.scalar(select(Recipient).join(
        Campaign, Campaign.id == Recipient.campaign_id).where(
        Campaign.scenario_id == scenario.id, Recipient.contact_id == contact_id)
        .order_by(Recipient.next_attempt_at.desc()).limit(1))


def _step(uow, scenario: Scenario, enrolment: Enrolment, step: dict[str, Any],
          set_stage: Callable[[str, str], Any], moment: datetime) -> tuple[str, int | None]:
    """Do one step; (outcome, the next position, or None to wait at the next one)."""
    session, contact_id = uow.session, enrolment.contact_id
    position = enrolment.position
    contact = session.get(ContactView, contact_id)
    kind = step["type"]
    if kind == "wait":
        enrolment.due_at = moment + rules_of.wait_of(step)
        return f"waiting until {enrolment.due_at.isoformat()}", None
    if kind == "send":
        if contact is None or not contact.email or contact.email_consent != "granted":
            return "not sent: no email consent", position + 1
        campaign = _campaign_for(session, scenario, position, step["template_id"])
        if session.scalar(select(Recipient.id).where(Recipient.campaign_id == campaign.id,
                                                     Recipient.contact_id == contact_id)):
            return "sent before", position + 1
        recipient_id = new_id()
        session.add(Recipient(id=recipient_id, campaign_id=campaign.id, contact_id=contact_id,
                              email=contact.email, status=lifecycle.PENDING, attempts=0,
                              next_attempt_at=moment, opens=0, clicks=0, erased=False,
                              message_id=message_id(campaign.id, recipient_id)))
        return "mail queued", position + 1
    if kind == "branch":
        mail = _last_mail(session, scenario, contact_id)
        engaged = mail is not None and (mail.clicked_at if step["on"] == "clicked"
                                        else mail.opened_at) is not None
        target = step["then"] if engaged else step["else"]
        return f"{step['on'] if engaged else 'not ' + step['on']}: to step {target + 1}", target
    if kind == "add_score":
        session.add(ScoreEntry(contact_id=contact_id, rule_id=scenario.id,
                               rule_name=f"scenario {scenario.name}"[:200], event="scenario",
                               campaign_id=None, points=step["points"], at=moment))
        flush(session)
        scoring.rescore(uow, contact_id, ScoreSettings.from_env(), f"scenario {scenario.name}")
        return f"{step['points']:+d} points", position + 1
    if kind == "create_task":
        account = session.get(AccountView, contact.account_id) \
            if contact is not None and contact.account_id else None
        uow.emit("scenario.task_requested", {
            "scenario_id": scenario.id, "enrolment_id": enrolment.id, "step": position,
            "contact_id": contact_id, "account_id": contact.account_id if contact else None,
            "owner_id": (contact.owner_id if contact else None)
            or (account.owner_id if account else None),
            "subject": step["subject"],
            "due_at": moment + timedelta(days=step.get("due_in_days") or 0)})
        return "task requested", position + 1
    if kind == "set_lifecycle_stage":
        if contact is None or contact.version == 0:
            return "no such contact", position + 1
        set_stage(contact_id, step["stage"])
        return f"lifecycle stage {step['stage']}", position + 1
    raise ValueError(f"unknown step {kind}")


def advance(uow, enrolment_id: str, token: str, set_stage: Callable[[str, str], Any]
            ) -> str | None:
    """Run one claimed enrolment until it waits or ends, in one transaction; None when the
    claim was lost (nothing is written)."""
    enrolment = TIMERS.holds(uow.session, enrolment_id, token)
    if enrolment is None:
        uow.rollback()
        return None
    scenario = uow.session.get(Scenario, enrolment.scenario_id)
    moment = now()
    history = list(enrolment.history or [])
    values: dict[str, Any] = {}
    if scenario is None or not scenario.active or enrolment.status != ACTIVE:
        values = {"status": EXITED, "done_at": moment}
    else:
        for _ in range(rules_of.MAX_STEPS_PER_RUN):
            if enrolment.position >= len(scenario.steps):
                values = {"status": COMPLETED, "done_at": moment}
                break
            step = scenario.steps[enrolment.position]
            outcome, following = _step(uow, scenario, enrolment, step, set_stage, moment)
            history.append({"step": enrolment.position, "type": step["type"],
                            "outcome": outcome, "at": moment.isoformat()})
            if following is None:
                enrolment.position += 1
                values = {"position": enrolment.position, "due_at": enrolment.due_at,
                          "claim_token": None}
                break
            enrolment.position = following
        else:
            values = {"status": EXITED, "done_at": moment}  # a loop without a wait
            history.append({"step": enrolment.position, "type": "exit",
                            "outcome": "too many steps without a wait", "at": moment.isoformat()})
    values.setdefault("position", enrolment.position)
    values["history"] = history[-HISTORY_KEPT:]
    values["error"] = None
    uow.session.expunge(enrolment)  # the conditional UPDATE below is the only write to it
    if not TIMERS.finish(uow.session, enrolment_id, token, **values):
        uow.rollback()
        return None
    uow.commit()
    return values.get("status", ACTIVE)


# --- reading ------------------------------------------------------------------------------

def enrolment_data(row: Enrolment, scenario: Scenario | None = None) -> dict[str, Any]:
    steps = scenario.steps if scenario is not None else []
    return plain({
        "id": row.id, "scenario_id": row.scenario_id,
        "scenario_name": scenario.name if scenario is not None else None,
        "contact_id": row.contact_id, "status": row.status, "position": row.position,
        "current_step": steps[row.position] if row.status == ACTIVE
        and row.position < len(steps) else None,
        "next_run_at": row.due_at if row.status == ACTIVE else None,
        "entered_at": row.entered_at, "done_at": row.done_at, "error": row.error,
        "history": row.history or [],
    })


def enrolments(session: Session, scenario_id: str, values: dict[str, Any]) -> dict[str, Any]:
    scenario = get_scenario(session, scenario_id)
    query = select(Enrolment).where(Enrolment.scenario_id == scenario.id)
    if status := values["filters"].get("status"):
        query = query.where(Enrolment.status == status)
    if values.get("cursor"):
        query = query.where(Enrolment.contact_id > values["cursor"])
    limit = values.get("limit", 50)
    rows = session.scalars(query.order_by(Enrolment.contact_id).limit(limit + 1)).all()
    cursor = rows[limit - 1].contact_id if len(rows) > limit else None
    return {"items": [enrolment_data(row, scenario) for row in rows[:limit]],
            "next_cursor": cursor}


def contact_enrolments(session: Session, contact_id: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(Enrolment).where(Enrolment.contact_id == contact_id)
                           .order_by(Enrolment.entered_at.desc()).limit(50)).all()
    return enrolments_data(session, rows)


def enrolments_data(session: Session, rows: list[Enrolment]) -> list[dict[str, Any]]:
    """Each enrolment with its scenario's name and step, the scenarios read at once."""
    wanted = {row.scenario_id for row in rows}
    scenarios = {scenario.id: scenario for scenario in session.scalars(
        select(Scenario).where(Scenario.id.in_(wanted)))} if wanted else {}
    return [enrolment_data(row, scenarios.get(row.scenario_id)) for row in rows]


def scenario_data(session: Session, scenario: Scenario) -> dict[str, Any]:
    found = dict(session.execute(select(Enrolment.status, func.count()).where(
        Enrolment.scenario_id == scenario.id).group_by(Enrolment.status)).all())
    counts = {status: found.get(status, 0) for status in (ACTIVE, COMPLETED, EXITED)}
    return plain({
        "id": scenario.id, "name": scenario.name, "trigger": scenario.trigger,
        "steps": scenario.steps, "active": scenario.active, "enrolments": counts,
        "version": scenario.version, "created_at": scenario.created_at,
        "updated_at": scenario.updated_at,
    })
