"""The demo's sales side, loaded through the REST API once the contacts are in: a small
catalog and its price list, one to three deals per account spread over the default
pipeline's stages (some won, with an accepted quote and its order, some lost), quotes sent
for the deals near the end of the pipeline, and calls, tasks and meetings around today for
whoever loads the demo, so that the board, the forecast and "my day" are alive at once.

A second run adds nothing: every create carries an Idempotency-Key named after the record's
place in the data set, and the gateway answers a key it has seen with the first answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from rich.progress import Progress

from crm_cli.client import CrmClient
from crm_cli.demo import once
from crm_cli.demo.dataset import DemoAccount, DemoDataset
from crm_cli.demo.once import Counts

KEY_PREFIX = "crm-demo:sales"
PRICE_LIST = "Standard 2026"
# sku, name, unit, unit prices per currency
CATALOG = (
    ("CRM-SEAT", "CRM seat, yearly", "seat", {"EUR": "480.00", "USD": "520.00", "GBP": "420.00"}),
    ("CRM-ONBOARD", "Onboarding package", "package",
     {"EUR": "2500.00", "USD": "2700.00", "GBP": "2200.00"}),
    ("CRM-SUPPORT", "Premium support, yearly", "year",
     {"EUR": "3600.00", "USD": "3900.00", "GBP": "3100.00"}),
    ("CRM-TRAIN", "Training day", "day", {"EUR": "1200.00", "USD": "1300.00", "GBP": "1050.00"}),
)
CURRENCIES = {"US": "USD", "GB": "GBP"}  # the others pay in euros
LOST_REASONS = ("Chose a competitor", "No budget this year", "Project cancelled",
                "Went quiet after the demo")
CALL_SUBJECTS = ("Discovery call with {name}", "Follow up with {name} on pricing",
                 "Check in with {name} after the trial")
TASK_SUBJECTS = ("Send the security questionnaire to {company}",
                 "Prepare the proposal for {company}", "Book the onboarding kick-off at {company}")


@dataclass(frozen=True)
class Deal:
    """One planned deal: where it sits in the pipeline and what it sells."""

    key: str
    account: DemoAccount
    name: str
    currency: str
    lines: tuple[tuple[int, int], ...]  # (index in CATALOG, quantity)
    stage: int  # index of its stage among the pipeline's
    outcome: str  # open | won | lost
    close_in_days: int


def plan_deals(dataset: DemoDataset, stage_count: int, seed: int) -> list[Deal]:
    """The same deals for the same data set and seed."""
    rng = random.Random(f"{seed}:sales")
    deals = []
    for account in dataset.accounts:
        for number in range(rng.choice((1, 1, 2, 2, 3))):
            seats = rng.choice((5, 10, 25, 40, 80, 150))
            lines = [(0, seats)] + [(extra, rng.choice((1, 1, 2, 3)))
                                    for extra in rng.sample(range(1, len(CATALOG)),
                                                            rng.randint(0, 2))]
            outcome = rng.choices(("open", "won", "lost"), (70, 18, 12))[0]
            # Won in the last stage; open and lost ones anywhere along the way.
            stage = stage_count - 1 if outcome == "won" else rng.randrange(stage_count)
            deals.append(Deal(
                key=f"{account.domain}:{number}", account=account,
                name=f"{account.name}: {seats} seats" + (" (renewal)" if number else ""),
                currency=CURRENCIES.get(account.country, "EUR"), lines=tuple(lines),
                stage=stage, outcome=outcome,
                close_in_days=rng.randint(-20, 0) if outcome != "open" else rng.randint(5, 180)))
    return deals


def load_sales(client: CrmClient, dataset: DemoDataset, account_ids: dict[str, str],
               contact_ids: dict[str, str], seed: int, progress: Progress) -> Counts:
    """`account_ids` by domain and `contact_ids` by email, as the contacts step made them."""
    tally = Counts()
    product_ids, price_list_id = load_catalog(client, progress, tally)
    pipeline = next(p for p in client.get("/pipelines")["items"] if p["is_default"])
    deals = plan_deals(dataset, len(pipeline["stages"]), seed)
    people = _people_by_company(dataset, contact_ids)
    task = progress.add_task("Deals, quotes, activities", total=len(deals))
    today = datetime.now(UTC).date()
    for index, deal in enumerate(deals):
        contact = people.get(deal.account.name, [None])[0]
        created = load_deal(client, deal, pipeline, account_ids.get(deal.account.domain),
                            contact, product_ids, price_list_id, today, tally)
        if index < 15 and contact is not None:
            load_activities(client, deal, created["id"], contact, index, today, tally)
        progress.advance(task)
    return tally


def load_catalog(client: CrmClient, progress: Progress,
                 tally: Counts) -> tuple[list[str], str]:
    task = progress.add_task("Products and prices", total=len(CATALOG) + 1)
    product_ids = []
    for sku, name, unit, _ in CATALOG:
        found = client.get("/products", sku=sku, limit=1)["items"]
        product = found[0] if found else client.post("/products",
                                                     {"sku": sku, "name": name, "unit": unit})
        tally.count("products", replayed=bool(found))
        product_ids.append(product["id"])
        progress.advance(task)
    price_list = _create(client, "/price-lists", {"name": PRICE_LIST}, "price-list", tally,
                         "price lists")
    for product_id, (_, _, _, prices) in zip(product_ids, CATALOG, strict=True):
        for currency, unit_price in prices.items():  # PUT replaces: a rerun changes nothing
            client.request("PUT", f"/price-lists/{price_list['id']}/prices/{product_id}/"
                                  f"{currency}", json={"unit_price": unit_price})
    progress.advance(task)
    return product_ids, price_list["id"]


def load_deal(client: CrmClient, deal: Deal, pipeline: dict, account_id: str | None,
              contact_id: str | None, product_ids: list[str], price_list_id: str, today: date,
              tally: Counts) -> dict[str, Any]:
    stage = pipeline["stages"][deal.stage]
    amount = sum(Decimal(CATALOG[item][3][deal.currency]) * quantity
                 for item, quantity in deal.lines)
    created = _create(client, "/opportunities", {
        "name": deal.name, "amount": f"{amount:.2f}", "currency": deal.currency,
        "account_id": account_id, "contact_id": contact_id,
        "pipeline_id": pipeline["id"], "stage_id": stage["id"],
        "expected_close_date": (today + timedelta(days=deal.close_in_days)).isoformat(),
    }, f"deal:{deal.key}", tally, "deals")
    last_stages = deal.stage >= len(pipeline["stages"]) - 2
    if deal.outcome == "won" or (deal.outcome == "open" and last_stages):
        quote = _create(client, "/quotes", {
            "currency": deal.currency, "opportunity_id": created["id"],
            "price_list_id": price_list_id,
            "valid_until": (today + timedelta(days=30)).isoformat(),
            "lines": [{"product_id": product_ids[item], "quantity": str(quantity)}
                      for item, quantity in deal.lines]}, f"quote:{deal.key}", tally, "quotes")
        _act(client, f"/quotes/{quote['id']}/send", f"quote-sent:{deal.key}")
        if deal.outcome == "won":
            replayed = _act(client, f"/quotes/{quote['id']}/accept", f"accepted:{deal.key}")
            tally.count("orders", replayed)
    if deal.outcome == "won":
        _act(client, f"/opportunities/{created['id']}/win", f"won:{deal.key}")
    elif deal.outcome == "lost":
        reason = LOST_REASONS[len(deal.key) % len(LOST_REASONS)]
        _act(client, f"/opportunities/{created['id']}/lose", f"lost:{deal.key}",
             {"lost_reason": reason})
    return created


def load_activities(client: CrmClient, deal: Deal, deal_id: str, contact_id: str,
                    index: int, today: date, tally: Counts) -> None:
    """A call and a task per deal, due from a few days ago to next week; a meeting for
    every third deal. Overdue ones are what "my day" puts first."""
    at = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=9)
    company = deal.account.name
    links = {"opportunity_id": deal_id, "contact_id": contact_id}
    _create(client, "/activities", {
        "type": "call", **links,
        "subject": CALL_SUBJECTS[index % 3].format(name=company),
        "due_at": (at + timedelta(days=index % 7 - 2, hours=index % 8)).isoformat()},
        f"call:{deal.key}", tally, "activities")
    _create(client, "/activities", {
        "type": "task", **links,
        "subject": TASK_SUBJECTS[index % 3].format(company=company),
        "due_at": (at + timedelta(days=index % 5 - 1, hours=8)).isoformat()},
        f"task:{deal.key}", tally, "activities")
    if index % 3 == 0:
        start = at + timedelta(days=index % 4, hours=1 + index % 6)
        _create(client, "/activities", {
            "type": "meeting", **links, "subject": f"Demo for {company}",
            "start_at": start.isoformat(), "end_at": (start + timedelta(hours=1)).isoformat()},
            f"meeting:{deal.key}", tally, "activities")


def _create(client: CrmClient, path: str, body: dict[str, Any], key: str, tally: Counts,
            kind: str) -> dict[str, Any]:
    return once.create(client, path, body, f"{KEY_PREFIX}:{key}", tally, kind)


def _act(client: CrmClient, path: str, key: str, body: dict[str, Any] | None = None) -> bool:
    return once.step(client, path, f"{KEY_PREFIX}:{key}", body)


def _people_by_company(dataset: DemoDataset, contact_ids: dict[str, str]) -> dict[str, list]:
    people: dict[str, list[str]] = {}
    for contact in dataset.contacts:
        if not contact.duplicate_of and (found := contact_ids.get(contact.email.lower())):
            people.setdefault(contact.account, []).append(found)
    return people
