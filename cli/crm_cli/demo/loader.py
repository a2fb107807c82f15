"""Loading the demo data set through the public REST API, never the databases: custom
field definitions, accounts, a bulk import of the contacts, their email consents, then the
sales, support and marketing sides (crm_cli.demo.sales, .support, .marketing).

Each step is safe to run again: an existing field definition (409) or an account found by
its domain is reused, contacts already there are skipped by the import (`dedup=skip`), and
consents are posted with an Idempotency-Key, so a second run replays instead of adding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.progress import Progress

from crm_cli.client import CrmClient
from crm_cli.contacts_csv import contacts_csv
from crm_cli.demo.dataset import DemoAccount, DemoDataset
from crm_cli.demo.marketing import load_marketing
from crm_cli.demo.once import Counts
from crm_cli.demo.sales import load_sales
from crm_cli.demo.support import load_support
from crm_cli.demo.vocabulary import CONTACT_CUSTOM_KEYS, CUSTOM_FIELDS
from crm_cli.imports import ImportOptions, follow_with_bar, start_import
from crm_cli.problems import ApiProblem

IMPORT_FILENAME = "crm-demo-contacts.csv"
CONSENT_SOURCE = "demo"
PAGE = 500


@dataclass
class Tally:
    new: int = 0
    existing: int = 0  # already there from an earlier run

    def count(self, existing: bool) -> None:
        if existing:
            self.existing += 1
        else:
            self.new += 1


@dataclass
class DemoReport:
    fields: Tally = field(default_factory=Tally)
    accounts: Tally = field(default_factory=Tally)
    consents: Tally = field(default_factory=Tally)
    job: dict[str, Any] = field(default_factory=dict)
    records: Counts | None = None  # sales, support and marketing, by kind

    @property
    def succeeded(self) -> bool:
        return self.job.get("status") == "done" and not self.job.get("failed")


def load_demo(client: CrmClient, dataset: DemoDataset, progress: Progress,
              seed: int = 42) -> DemoReport:
    report = DemoReport()
    define_custom_fields(client, progress, report)
    account_ids = create_accounts(client, dataset.accounts, progress, report)
    report.job = import_demo_contacts(client, dataset, progress)
    if report.job["status"] == "done":
        contact_ids = contact_ids_by_email(client, account_ids)
        record_consents(client, dataset, contact_ids, progress, report)
        by_domain = {account.domain: account_id
                     for account, account_id in zip(dataset.accounts, account_ids, strict=True)}
        report.records = load_sales(client, dataset, by_domain, contact_ids, seed, progress)
        load_support(client, dataset, contact_ids, seed, progress, report.records)
        load_marketing(client, progress, report.records)
    return report


def define_custom_fields(client: CrmClient, progress: Progress, report: DemoReport) -> None:
    task = progress.add_task("Custom fields", total=len(CUSTOM_FIELDS))
    for definition in CUSTOM_FIELDS:
        try:
            client.post("/custom-fields", definition)
            report.fields.count(existing=False)
        except ApiProblem as problem:
            if problem.status != 409:  # 409: defined by an earlier run, fine
                raise
            report.fields.count(existing=True)
        progress.advance(task)


def create_accounts(client: CrmClient, accounts: tuple[DemoAccount, ...], progress: Progress,
                    report: DemoReport) -> list[str]:
    """The accounts' ids, each found by its domain or created."""
    task = progress.add_task("Accounts", total=len(accounts))
    ids = []
    for account in accounts:
        found = client.get("/accounts", domain=account.domain, limit=1)["items"]
        ids.append(found[0]["id"] if found else client.post("/accounts", account.payload())["id"])
        report.accounts.count(existing=bool(found))
        progress.advance(task)
    return ids


def import_demo_contacts(client: CrmClient, dataset: DemoDataset,
                         progress: Progress) -> dict[str, Any]:
    content = contacts_csv((contact.row() for contact in dataset.contacts), CONTACT_CUSTOM_KEYS)
    job = start_import(client, IMPORT_FILENAME, content, ImportOptions(dedup="skip"))
    return follow_with_bar(client, job, progress, "Contacts (bulk import)")


def record_consents(client: CrmClient, dataset: DemoDataset, ids: dict[str, str],
                    progress: Progress, report: DemoReport) -> None:
    wanted = [contact for contact in dataset.contacts if contact.consent]
    task = progress.add_task("Email consents", total=len(wanted))
    for contact in wanted:
        contact_id = ids.get(contact.email.lower())
        if contact_id is not None:
            # The key names the decision: a rerun replays it instead of adding to history.
            response = client.request(
                "POST", f"/contacts/{contact_id}/consents",
                json={"channel": "email", "status": contact.consent, "source": CONSENT_SOURCE},
                headers={"Idempotency-Key": f"crm-demo:consent:{contact_id}:email:"
                                            f"{contact.consent}"})
            report.consents.count(response.headers.get("Idempotent-Replayed") == "true")
        progress.advance(task)


def contact_ids_by_email(client: CrmClient, account_ids: list[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for account_id in account_ids:
        cursor = None
        while True:
            page = client.get("/contacts", account_id=account_id, limit=PAGE,
                              **({"cursor": cursor} if cursor else {}))
            ids.update({item["email"].lower(): item["id"] for item in page["items"]
                        if item["email"]})
            cursor = page["next_cursor"]
            if not cursor:
                break
    return ids


def report_lines(report: DemoReport, dataset: DemoDataset, url: str) -> list[str]:
    job = report.job
    lines = [f"Demo data loaded into {url}" if report.succeeded
             else f"Demo data only partly loaded into {url}",
             f"  custom fields    {_tally(report.fields, 'created')}",
             f"  accounts         {_tally(report.accounts, 'created')}",
             f"  contacts         {job.get('created', 0)} created, "
             f"{job.get('skipped', 0)} already there, {job.get('failed', 0)} failed",
             f"  email consents   {_tally(report.consents, 'recorded')}"]
    if report.records is not None:
        lines += [f"  {kind:<16} {report.records.line(kind)}"
                  for kind in ("products", "deals", "quotes", "orders", "activities",
                               "articles", "tickets", "segments", "templates",
                               "scoring rules", "forms", "scenarios", "campaigns")]
    if dataset.near_duplicates and job.get("created"):
        lines.append(f"  near-duplicates  {len(dataset.near_duplicates)} planted: open the "
                     f"duplicates panel, or GET /api/v1/contacts/duplicates")
    return lines


def _tally(tally: Tally, verb: str) -> str:
    return f"{tally.new} {verb}, {tally.existing} already there"
