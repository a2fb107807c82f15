"""The demo's support side, through the REST API once the contacts are in: a knowledge
base of published articles, and tickets from the demo's customers over every channel and
priority, some answered, some waiting on the customer, some solved (whose surveys the
local mailbox receives), so that the queue shows SLA clocks running at once.

A second run adds nothing: every create and step carries an Idempotency-Key named after
its place in the data set, and the gateway answers a key it has seen with the first answer.
"""

from __future__ import annotations

import random
from typing import Any

from rich.progress import Progress

from crm_cli.client import CrmClient
from crm_cli.demo import once
from crm_cli.demo.dataset import DemoDataset
from crm_cli.demo.once import Counts

KEY_PREFIX = "crm-demo:support"
TICKETS = 24
CATEGORY = "Getting started"
ARTICLES = (
    ("Export your contacts to CSV", "Open Contacts, filter the list, then choose Export: "
     "the file holds every column, custom fields included."),
    ("Import contacts from a spreadsheet", "Save the sheet as CSV (UTF-8), then Contacts > "
     "Import: map the columns, pick what to do with duplicates and follow the progress."),
    ("Reset your password", "On the sign-in page choose 'Forgot password'; the link we mail "
     "works once, for 15 minutes."),
    ("Subscribe to your calendar", "Activities > Calendar link gives an address to paste "
     "into Google Calendar, Outlook or Apple Calendar."),
)
# subject, description, type, priority, channel
PROBLEMS = (
    ("The CSV export times out", "Exporting 40,000 contacts stops after a minute.",
     "incident", "high", "email"),
    ("How do I import from Excel?", "We have our customers in a spreadsheet.", "question",
     "normal", "web_form"),
    ("Invoice shows the wrong VAT number", "Our VAT number changed in March.", "problem",
     "normal", "email"),
    ("Cannot sign in since this morning", "The page says my session expired, again and "
     "again.", "incident", "urgent", "phone"),
    ("Please add two seats", "Two new colleagues start on Monday.", "task", "low", "api"),
    ("Calendar link stopped updating", "Meetings created today do not show in Outlook.",
     "incident", "normal", "web_form"),
)
ANSWER = "Thanks for telling us. We are looking into it and will come back to you today."


def load_support(client: CrmClient, dataset: DemoDataset, contact_ids: dict[str, str],
                 seed: int, progress: Progress, tally: Counts) -> None:
    """Counts go into `tally` (kinds `articles` and `tickets`), beside the sales ones."""
    load_knowledge_base(client, progress, tally)
    rng = random.Random(f"{seed}:support")
    people = [found for contact in dataset.contacts
              if not contact.duplicate_of and (found := contact_ids.get(contact.email.lower()))]
    chosen = rng.sample(people, min(TICKETS, len(people)))
    task = progress.add_task("Tickets", total=len(chosen))
    for number, contact_id in enumerate(chosen):
        load_ticket(client, number, contact_id, rng, tally)
        progress.advance(task)


def load_knowledge_base(client: CrmClient, progress: Progress, tally: Counts) -> None:
    task = progress.add_task("Knowledge base", total=len(ARTICLES))
    category = _create(client, "/kb/categories", {"name": CATEGORY}, "category", tally,
                       "categories")
    for number, (title, body) in enumerate(ARTICLES):
        _create(client, "/kb/articles", {"title": title, "body": body, "status": "published",
                                         "category_id": category["id"]},
                f"article:{number}", tally, "articles")
        progress.advance(task)


def load_ticket(client: CrmClient, number: int, contact_id: str, rng: random.Random,
                tally: Counts) -> None:
    subject, description, kind, priority, channel = PROBLEMS[number % len(PROBLEMS)]
    ticket = _create(client, "/tickets", {
        "subject": subject, "description": description, "contact_id": contact_id,
        "type": kind, "priority": priority, "channel": channel}, f"ticket:{number}",
        tally, "tickets")
    fate = rng.choices(("new", "answered", "pending", "solved"), (3, 3, 2, 3))[0]
    if fate == "new":
        return
    _step(client, f"/tickets/{ticket['id']}/messages", {"body": ANSWER}, f"answer:{number}")
    if fate in ("pending", "solved"):
        _step(client, f"/tickets/{ticket['id']}/status", {"status": fate}, f"{fate}:{number}")


def _create(client: CrmClient, path: str, body: dict[str, Any], key: str, tally: Counts,
            kind: str) -> dict[str, Any]:
    return once.create(client, path, body, f"{KEY_PREFIX}:{key}", tally, kind)


def _step(client: CrmClient, path: str, body: dict[str, Any], key: str) -> None:
    once.step(client, path, f"{KEY_PREFIX}:{key}", body)
