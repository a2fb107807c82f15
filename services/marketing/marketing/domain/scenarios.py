"""Nurturing scenarios: a trigger, then steps, each contact moving through them at its own
pace. Plain data, checked here when a scenario is saved.

Trigger: `{"event": "segment.joined", "segment_id"}`, `{"event": "form.submitted",
"form_id"?}`, `{"event": "email.opened" | "email.clicked", "campaign_id"?}` or
`{"event": "lead.qualified"}`. Steps, run in order:

- `{"type": "wait", "days"?, "hours"?, "minutes"?}`: a durable timer;
- `{"type": "send", "template_id"}`: a mail, to a contact whose email consent is granted;
- `{"type": "branch", "on": "opened" | "clicked", "then": i, "else": i}`: on engagement with
  the last mail this scenario sent, go to step `i` (a step index; past the end: done);
- `{"type": "add_score", "points"}`;
- `{"type": "create_task", "subject", "due_in_days"?}`: a task for the owner, in sales;
- `{"type": "set_lifecycle_stage", "stage"}`: through the contacts service.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crm_contracts.vocabulary import LIFECYCLE_STAGES

TRIGGERS = {"segment.joined": "segment_id", "form.submitted": "form_id",
            "email.opened": "campaign_id", "email.clicked": "campaign_id",
            "lead.qualified": None}
REQUIRED_REF = {"segment.joined"}
STEP_KEYS = {
    "wait": {"days", "hours", "minutes"},
    "send": {"template_id"},
    "branch": {"on", "then", "else"},
    "add_score": {"points"},
    "create_task": {"subject", "due_in_days"},
    "set_lifecycle_stage": {"stage"},
}
MAX_STEPS = 50
MAX_WAIT = timedelta(days=366)
# Steps one run may take without a wait: a branch loop without a wait stops here.
MAX_STEPS_PER_RUN = 100


def check(trigger: Any, steps: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not isinstance(trigger, dict) or trigger.get("event") not in TRIGGERS:
        errors["trigger.event"] = [f"one of: {', '.join(TRIGGERS)}"]
    else:
        ref = TRIGGERS[trigger["event"]]
        extra = set(trigger) - {"event", *([ref] if ref else [])}
        if extra:
            errors["trigger"] = [f"unknown key(s): {', '.join(sorted(extra))}"]
        if trigger["event"] in REQUIRED_REF and not trigger.get(ref):
            errors[f"trigger.{ref}"] = ["required"]
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_STEPS:
        errors["steps"] = [f"a list of 1 to {MAX_STEPS} steps"]
        return errors
    for index, step in enumerate(steps):
        problem = _step_problem(step, len(steps))
        if problem:
            errors[f"steps.{index}"] = [problem]
    return errors


def _step_problem(step: Any, count: int) -> str | None:
    if not isinstance(step, dict) or step.get("type") not in STEP_KEYS:
        return f"a step whose type is one of: {', '.join(STEP_KEYS)}"
    kind = step["type"]
    extra = set(step) - {"type"} - STEP_KEYS[kind]
    if extra:
        return f"unknown key(s) for {kind}: {', '.join(sorted(extra))}"
    if kind == "wait":
        amounts = [step.get(unit) for unit in ("days", "hours", "minutes")]
        if not any(amounts) or any(a is not None and (isinstance(a, bool) or not isinstance(
                a, int) or a < 0) for a in amounts):
            return "days, hours or minutes: whole numbers, not all zero"
        if wait_of(step) > MAX_WAIT:
            return "at most a year"
    elif kind == "send":
        if not isinstance(step.get("template_id"), str) or not step["template_id"]:
            return "template_id: required"
    elif kind == "branch":
        if step.get("on") not in ("opened", "clicked"):
            return "on: opened or clicked"
        for key in ("then", "else"):
            target = step.get(key)
            if isinstance(target, bool) or not isinstance(target, int) \
                    or not 0 <= target <= count:
                return f"{key}: a step index from 0 to {count} ({count}: the end)"
    elif kind == "add_score":
        points = step.get("points")
        if isinstance(points, bool) or not isinstance(points, int) \
                or not -1000 <= points <= 1000:
            return "points: a whole number from -1000 to 1000"
    elif kind == "create_task":
        subject = step.get("subject")
        if not isinstance(subject, str) or not 1 <= len(subject) <= 300:
            return "subject: 1 to 300 characters"
        due = step.get("due_in_days", 0)
        if isinstance(due, bool) or not isinstance(due, int) or not 0 <= due <= 365:
            return "due_in_days: 0 to 365"
    elif kind == "set_lifecycle_stage" and step.get("stage") not in LIFECYCLE_STAGES:
        return f"stage: one of {', '.join(LIFECYCLE_STAGES)}"
    return None


def wait_of(step: dict[str, Any]) -> timedelta:
    return timedelta(days=step.get("days") or 0, hours=step.get("hours") or 0,
                     minutes=step.get("minutes") or 0)


def matches(trigger: dict[str, Any], event: str, ref: str | None) -> bool:
    if trigger.get("event") != event:
        return False
    key = TRIGGERS[event]
    return key is None or not trigger.get(key) or trigger[key] == ref
