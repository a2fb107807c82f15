"""The demo's marketing side, through the REST API once the contacts and their consents
are in: segments, a template, lead scoring rules, a web-to-lead form, a nurturing scenario,
and a campaign sent to the leads who agreed to email (its mails land in the local mailbox).

A second run adds nothing: every create and step carries an Idempotency-Key named after
its place in the data set, and the gateway answers a key it has seen with the first answer.
"""

from __future__ import annotations

import time
from typing import Any

from rich.progress import Progress

from crm_cli.client import CrmClient
from crm_cli.demo import once
from crm_cli.demo.once import Counts

KEY_PREFIX = "crm-demo:marketing"
PROJECTION_WAIT = 30.0  # seconds for the marketing service to see the contacts' events
LEADS = {"match": "all", "conditions": [
    {"field": "lifecycle_stage", "op": "eq", "value": "lead"},
    {"field": "consent.email", "op": "eq", "value": "granted"}]}
KEY_ACCOUNTS = {"match": "all", "conditions": [
    {"field": "account.tier", "op": "in", "value": ["gold", "vip"]}]}
TEMPLATE = {
    "name": "November product update",
    "subject": "{{ contact.first_name }}, what's new this month",
    "text_body": "Hello {{ contact.first_name }},\n\nImports are twice as fast, and the "
                 "calendar feed now shows your meetings.\nRead more: https://crm.example/news"
                 "\n\nNot interested? Unsubscribe: {{ unsubscribe_url }}\n",
    "html_body": "<p>Hello {{ contact.first_name }},</p><p>Imports are twice as fast, and the "
                 "calendar feed now shows your meetings. <a href=\"https://crm.example/news\">"
                 "Read more</a>.</p><p><a href=\"{{ unsubscribe_url }}\">Unsubscribe</a></p>",
}
SCORING_RULES = (
    {"name": "Opened a campaign", "kind": "event", "event": "email.opened", "points": 10},
    {"name": "Clicked a campaign", "kind": "event", "event": "email.clicked", "points": 25},
    {"name": "Asked for a demo", "kind": "event", "event": "form.submitted", "points": 30},
    {"name": "Key account", "kind": "field", "points": 15, "rules": KEY_ACCOUNTS},
)
FORM = {"name": "Demo request", "consent_text": "Yes, email me product news and offers. I "
                                                "can unsubscribe at any time.",
        "fields": [{"name": "email", "label": "Work email", "required": True},
                   {"name": "first_name", "label": "First name"},
                   {"name": "last_name", "label": "Last name"},
                   {"name": "title", "label": "Job title"}],
        "allowed_origins": ["https://www.crm.example"]}


def load_marketing(client: CrmClient, progress: Progress, tally: Counts) -> None:
    """Counts go into `tally` (kinds `segments`, `templates`, `scoring rules`, `forms`,
    `scenarios`, `campaigns`), beside the sales and support ones."""
    task = progress.add_task("Marketing", total=7)
    leads = _create(client, "/segments", {"name": "Leads who agreed to email",
                                          "rules": LEADS}, "segment:leads", tally, "segments")
    _create(client, "/segments", {"name": "Gold and VIP accounts", "rules": KEY_ACCOUNTS},
            "segment:key-accounts", tally, "segments")
    progress.advance(task)
    template = _create(client, "/templates", TEMPLATE, "template:update", tally, "templates")
    progress.advance(task)
    for number, rule in enumerate(SCORING_RULES):
        _create(client, "/scoring-rules", rule, f"scoring:{number}", tally, "scoring rules")
    progress.advance(task)
    _create(client, "/forms", FORM, "form:demo-request", tally, "forms")
    progress.advance(task)
    _create(client, "/scenarios", {
        "name": "Welcome new leads",
        "trigger": {"event": "segment.joined", "segment_id": leads["id"]},
        "steps": [{"type": "send", "template_id": template["id"]}, {"type": "wait", "days": 3},
                  {"type": "branch", "on": "clicked", "then": 3, "else": 4},
                  {"type": "add_score", "points": 20},
                  {"type": "create_task", "subject": "Follow up on the product update",
                   "due_in_days": 1}]}, "scenario:welcome", tally, "scenarios")
    progress.advance(task)
    campaign = _create(client, "/campaigns", {
        "name": "November product update", "segment_id": leads["id"],
        "template_id": template["id"], "cost": "250.00", "budget": "1000.00"},
        "campaign:november", tally, "campaigns")
    progress.advance(task)
    if campaign.get("status") == "draft" and _has_audience(client):
        once.step(client, f"/campaigns/{campaign['id']}/send", f"{KEY_PREFIX}:send:november")
    progress.advance(task)


def _has_audience(client: CrmClient) -> bool:
    """Whether the marketing service sees a consenting lead yet (it learns of contacts
    and consents from their events, a moment after they are written)."""
    deadline = time.monotonic() + PROJECTION_WAIT
    while time.monotonic() < deadline:
        if client.post("/segments/count", {"rules": LEADS})["count"] > 0:
            return True
        time.sleep(0.5)
    return False


def _create(client: CrmClient, path: str, body: dict[str, Any], key: str, tally: Counts,
            kind: str) -> dict[str, Any]:
    return once.create(client, path, body, f"{KEY_PREFIX}:{key}", tally, kind)
