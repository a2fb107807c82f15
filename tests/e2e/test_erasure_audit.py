"""GDPR erasure and contact merges across the services, as an audit found them: what an
erasure must leave nowhere (whichever contact a person's data was merged from), what the
subject access export must hold, and what a merge must make of the reporting figures."""

from __future__ import annotations

import contextlib
import random
import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, inspect, text

from crm_testing.processes import wait_until

ERASED = "(erased)"


def _scan(platform, needles: list[str]) -> list[str]:
    """Every (database, table, needle) where a row of any table holds one of `needles`."""
    hits = set()
    for key, url in platform.env.items():
        if not key.endswith("_DATABASE_URL"):
            continue
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                for table in inspect(connection).get_table_names():
                    for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                        line = str(tuple(_readable(value) for value in row)).lower()
                        hits.update(f"{key}: {table}: {needle}" for needle in needles
                                    if needle.lower() in line)
        finally:
            engine.dispose()
    return sorted(hits)


def _readable(value):
    """Bytes as text (an uploaded file, a raw mail): PostgreSQL hands them as a memoryview,
    whose str() shows no content."""
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return value


def _unused_digits(platform, count: int) -> list[str]:
    """Endings of phone numbers (+44 20 7946 0xxx) that no row of any database holds yet:
    the platform is shared, and other tests import people from that range too (a random
    ending once met test_cli's +44 20 7946 0958, and the scan found "the erased" phone)."""
    candidates = {f"79460{n}": f"{n}" for n in range(100, 1000)}
    taken = {hit.rsplit(": ", 1)[1] for hit in _scan(platform, list(candidates))}
    free = [digits for needle, digits in candidates.items() if needle not in taken]
    return random.sample(free, count)


def _person(api, first: str, last: str, account_id: str | None = None,
            digits: str | None = None) -> dict:
    digits = digits or f"{uuid.uuid4().int % 900 + 100}"
    email = f"{first.lower()}.{last.lower()}@{last.lower()}.example"
    created = api.post("/api/v1/contacts", json={
        "first_name": first, "last_name": last, "email": email, "account_id": account_id,
        "phone": f"+44 20 7946 0{digits}", "city": f"{last}ville"})
    assert created.status_code == 201, created.text
    return {**created.json(), "needles": [email, f"79460{digits}"]}


def _merge(api, survivor: dict, other: dict):
    current = api.get(f"/api/v1/contacts/{survivor['id']}")
    return api.post(f"/api/v1/contacts/{survivor['id']}/merge", json={"other_id": other["id"]},
                    headers={"If-Match": current.headers["ETag"]})


def _order(api, contact: dict) -> dict:
    deal = api.post("/api/v1/opportunities", json={
        "name": "Seats", "amount": "100.00", "currency": "EUR", "contact_id": contact["id"],
        "account_id": contact.get("account_id")}).json()
    quote = api.post("/api/v1/quotes", json={
        "currency": "EUR", "opportunity_id": deal["id"], "contact_id": contact["id"],
        "lines": [{"description": "Seat", "quantity": "1", "unit_price": "100.00"}]}).json()
    assert api.post(f"/api/v1/quotes/{quote['id']}/send").status_code == 200
    assert api.post(f"/api/v1/quotes/{quote['id']}/accept").status_code == 200
    return deal


def test_an_erasure_leaves_nothing_of_the_person_anywhere_merged_history_included(
        platform, admin_api):
    """The person had two records, merged; then asked to be erased. Neither address, nor
    phone, may survive in any service's database: not the merged-away record, not the event
    logs, not reporting's journal, not a campaign's recipients, not a note on their deal."""
    last = f"Erasure{uuid.uuid4().hex[:6]}"
    account = admin_api.post("/api/v1/accounts", json={"name": f"{last} Ltd"}).json()
    keeper_phone, duplicate_phone = _unused_digits(platform, 2)
    keeper = _person(admin_api, "Ulla", last, account["id"], keeper_phone)
    duplicate = _person(admin_api, "Ulli", last, account["id"], duplicate_phone)
    needles = keeper["needles"] + duplicate["needles"]
    for person in (keeper, duplicate):
        assert admin_api.post(f"/api/v1/contacts/{person['id']}/consents", json={
            "channel": "email", "status": "granted",
            "source": f"asked {person['email']} at the booth"}).status_code == 201
    deal = _order(admin_api, keeper)
    # A note about the person on their deal (not on the contact itself).
    assert admin_api.post("/api/v1/activities", json={
        "type": "meeting", "subject": "Lunch", "opportunity_id": deal["id"],
        "notes": f"write to {keeper['email']}",
        "start_at": datetime.now(UTC).isoformat(),
        "end_at": datetime.now(UTC).isoformat()}).status_code == 201

    # One campaign mailed to both records, before the merge.
    segment = admin_api.post("/api/v1/segments", json={"name": last, "kind": "static"}).json()
    wait_until(lambda: admin_api.post(f"/api/v1/segments/{segment['id']}/members", json={
        "contact_ids": [keeper["id"], duplicate["id"]]}).status_code == 200, timeout=30,
        message="both records in marketing")
    template = admin_api.post("/api/v1/templates", json={
        "name": last, "subject": "News", "text_body": "Hello\n{{ unsubscribe_url }}\n"}).json()
    campaign = admin_api.post("/api/v1/campaigns", json={
        "name": last, "segment_id": segment["id"], "template_id": template["id"]}).json()
    assert admin_api.post(f"/api/v1/campaigns/{campaign['id']}/send", headers={
        "If-Match": f'"{campaign["version"]}"'}).status_code == 200
    wait_until(lambda: sum(1 for mail in platform.mails()
                           if str(mail["To"]).endswith(f"@{last.lower()}.example")) == 2,
               timeout=30, message="the campaign's two mails")

    assert _merge(admin_api, keeper, duplicate).status_code == 200
    wait_until(lambda: "contact.merged" in {item["type"] for item in admin_api.get(
        f"/api/v1/contacts/{keeper['id']}/history").json()["items"]}, timeout=30,
        message="the merge in reporting")
    assert admin_api.post(f"/api/v1/contacts/{keeper['id']}/erase").status_code == 200

    left: list[str] = []

    def nothing_left() -> bool:
        left[:] = _scan(platform, needles)
        return not left

    with contextlib.suppress(TimeoutError):
        wait_until(nothing_left, timeout=30, interval=1, message="the erasure everywhere")
    assert left == [], "\n".join(left)

    # Nor does the API give the merged-away record back.
    history = admin_api.get(f"/api/v1/contacts/{duplicate['id']}/history")
    assert duplicate["email"] not in history.text
    items = history.json().get("items") or []
    if items:
        past = admin_api.get(f"/api/v1/contacts/{duplicate['id']}/360",
                             params={"as_of": items[0]["occurred_at"]})
        assert duplicate["email"] not in past.text


def test_an_erasure_right_after_a_merge_scrubs_the_merged_contacts_records(admin_api):
    """contact.merged and contact.erased are consumed from separate queues: whichever
    arrives first, the merged-away contact's activity and ticket end up scrubbed."""
    pairs = []
    for _ in range(3):
        suffix = uuid.uuid4().hex[:6]
        survivor = _person(admin_api, "Sam", f"Survivor{suffix}")
        other = _person(admin_api, "Lou", f"Loser{suffix}")
        activity = admin_api.post("/api/v1/activities", json={
            "type": "call", "subject": f"Call {other['email']}", "contact_id": other["id"],
            "due_at": datetime.now(UTC).isoformat()}).json()
        ticket = admin_api.post("/api/v1/tickets", json={
            "subject": f"Problem of {other['email']}", "contact_id": other["id"]}).json()
        pairs.append((survivor, other, activity, ticket))
    for survivor, other, _, _ in pairs:
        assert _merge(admin_api, survivor, other).status_code == 200
        assert admin_api.post(f"/api/v1/contacts/{survivor['id']}/erase").status_code == 200

    def read(kind: str, item: dict) -> dict:
        return admin_api.get(f"/api/v1/{kind}/{item['id']}").json()

    def owned_by(contact: dict, activity: dict, ticket: dict) -> bool:
        return (read("activities", activity)["contact_id"] == contact["id"]
                and read("tickets", ticket)["contact_id"] == contact["id"])

    def scrubbed(activity: dict, ticket: dict) -> bool:
        return (read("activities", activity)["subject"] == ERASED
                and read("tickets", ticket)["subject"] == ERASED)

    for survivor, _, activity, ticket in pairs:
        wait_until(lambda s=survivor, a=activity, t=ticket: owned_by(s, a, t), timeout=30,
                   message="the merge reaching sales and support")
    left = []
    for _, _, activity, ticket in pairs:
        try:
            wait_until(lambda a=activity, t=ticket: scrubbed(a, t), timeout=10,
                       message="the erasure reaching the merged records")
        except TimeoutError:
            left.append((read("activities", activity)["subject"],
                         read("tickets", ticket)["subject"]))
    assert left == []


def test_the_gdpr_export_holds_what_every_service_holds(admin_api):
    marker = uuid.uuid4().hex[:8]
    person = _person(admin_api, "Sara", f"Export{marker}")
    deal = admin_api.post("/api/v1/opportunities", json={
        "name": f"deal-{marker}", "amount": "10.00", "currency": "EUR",
        "contact_id": person["id"]})
    assert deal.status_code == 201, deal.text
    assert admin_api.post("/api/v1/activities", json={
        "type": "call", "subject": f"activity-{marker}", "contact_id": person["id"],
        "due_at": datetime.now(UTC).isoformat()}).status_code == 201
    assert admin_api.post("/api/v1/tickets", json={
        "subject": f"ticket-{marker}", "contact_id": person["id"]}).status_code == 201

    export = admin_api.get(f"/api/v1/contacts/{person['id']}/gdpr-export")
    assert export.status_code == 200
    missing = [part for part in ("deal", "activity", "ticket")
               if f"{part}-{marker}" not in export.text]
    assert missing == []


def test_a_retry_after_an_erasure_is_not_answered_from_the_erased_answer(admin_api):
    key = str(uuid.uuid4())
    body = {"first_name": "Ida", "last_name": f"Replay{key[:6]}",
            "email": f"ida.{key[:6]}@replay.example"}
    created = admin_api.post("/api/v1/contacts", json=body, headers={"Idempotency-Key": key})
    assert created.status_code == 201
    assert admin_api.post(f"/api/v1/contacts/{created.json()['id']}/erase").status_code == 200
    # The kept answer (the person's record) is gone: the retry is a new request, which
    # creates whatever its body says.
    retry = admin_api.post("/api/v1/contacts", json=body, headers={"Idempotency-Key": key})
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert retry.json()["id"] != created.json()["id"]


def test_the_survivors_kpis_count_the_merged_contacts_orders_once(admin_api):
    suffix = uuid.uuid4().hex[:6]
    survivor = _person(admin_api, "Kim", f"Kpi{suffix}")
    other = _person(admin_api, "Kit", f"Kpi{suffix}")
    _order(admin_api, survivor)
    _order(admin_api, other)
    wait_until(lambda: admin_api.get(f"/api/v1/contacts/{other['id']}/360").json()
               ["kpis"]["orders"] == 1, timeout=30, message="the orders in reporting")
    assert _merge(admin_api, survivor, other).status_code == 200

    def kpis() -> dict:
        return admin_api.get(f"/api/v1/contacts/{survivor['id']}/360").json()["kpis"]

    with contextlib.suppress(TimeoutError):
        wait_until(lambda: kpis()["orders"] == 2, timeout=20, message="both orders counted")
    assert (kpis()["orders"], kpis()["lifetime_value"]) == (2, {"EUR": "200.00"})


def test_an_erasure_reaches_a_contact_announced_with_others_by_an_import(platform, admin_api):
    """An import announces its batch's contacts in one event: erasing one of them scrubs
    that person out of it, everywhere it went, and leaves the others as they were."""
    last = f"Imported{uuid.uuid4().hex[:6]}"
    emails = [f"{first}.{last}@example.org".lower() for first in ("gone", "kept")]
    rows = "first_name,last_name,email,city\n" + "".join(
        f"{email.split('.')[0].title()},{last},{email},{last}ville\n" for email in emails)
    started = admin_api.post("/api/v1/contacts/import",
                             files={"file": ("people.csv", rows.encode())})
    assert started.status_code == 202, started.text
    assert admin_api.wait_for_import(started.json()["id"])["created"] == 2
    ids = {item["email"]: item["id"] for item in admin_api.get(
        "/api/v1/contacts", params={"q": last}).json()["items"]}
    gone = ids[emails[0]]
    wait_until(lambda: admin_api.get(f"/api/v1/contacts/{gone}/history").status_code == 200,
               timeout=30, message="the import in reporting")
    assert admin_api.post(f"/api/v1/contacts/{gone}/erase").status_code == 200

    left: list[str] = []

    def nothing_left() -> bool:
        left[:] = _scan(platform, [emails[0]])
        return not left

    with contextlib.suppress(TimeoutError):
        wait_until(nothing_left, timeout=30, interval=1, message="the erasure everywhere")
    assert left == [], "\n".join(left)
    kept = _scan(platform, [emails[1]])
    for table in ("CONTACTS_DATABASE_URL: outbox", "REPORTING_DATABASE_URL: report_journal",
                  "MARKETING_DATABASE_URL", "SUPPORT_DATABASE_URL"):
        assert any(hit.startswith(f"CRM_{table}") for hit in kept), (table, kept)
