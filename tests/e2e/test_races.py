"""Concurrent requests against the real platform: N identical or conflicting requests
fired at once (a barrier, one HTTP session per thread). Whatever the interleaving, a
write has exactly one effect, losers get a clear 4xx problem (409/412/422), never a 5xx,
and writes that do not conflict are not refused.

These races reproduce on PostgreSQL (the CI's database); on SQLite the database's single
writer serialises much of them."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from crm_testing.databases import uses_postgres
from crm_testing.platform import SERVICES
from crm_testing.processes import wait_until

ROUNDS = 3  # a race that needs luck gets several chances to show


def at_once(calls, headers: dict | None = None) -> list[requests.Response]:
    """Run each `call(session)` in its own thread, all released together."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)
    sessions = []
    for _ in calls:
        session = requests.Session()
        session.headers.update(headers or {})
        sessions.append(session)

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers[index] = calls[index](sessions[index])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for answer in answers:
        assert isinstance(answer, requests.Response), answer
    return answers


def statuses(answers) -> Counter:
    return Counter(answer.status_code for answer in answers)


def no_server_error(answers) -> None:
    failed = [(a.status_code, a.text[:300]) for a in answers if a.status_code >= 500]
    assert not failed, failed


def as_admin(api) -> dict:
    return dict(api.session.headers)


# --- sales --------------------------------------------------------------------------------

def _sent_quote(api) -> dict:
    quote = api.post("/api/v1/quotes", json={"currency": "EUR", "lines": [
        {"description": "Licence", "quantity": "1", "unit_price": "10.00"}]})
    assert quote.status_code == 201, quote.text
    assert api.post(f"/api/v1/quotes/{quote.json()['id']}/send").status_code == 200
    return quote.json()


def test_a_quote_accepted_at_once_becomes_one_order_and_no_5xx(platform, admin_api):
    for _ in range(ROUNDS):
        quote = _sent_quote(admin_api)
        url = f"{platform.url}/api/v1/quotes/{quote['id']}/accept"
        answers = at_once([lambda s, url=url: s.post(url, timeout=30)] * 12,
                          as_admin(admin_api))
        no_server_error(answers)
        assert statuses(answers)[200] == 1, statuses(answers)
        orders = admin_api.get("/api/v1/orders", params={"quote_id": quote["id"]}).json()
        assert len(orders["items"]) == 1


def test_a_sku_taken_at_once_answers_409_not_502(platform, admin_api):
    for _ in range(ROUNDS):
        sku = f"RACE-{uuid.uuid4().hex[:8]}"
        answers = at_once([lambda s, sku=sku: s.post(f"{platform.url}/api/v1/products",
                                                     json={"sku": sku, "name": "Raced"},
                                                     timeout=30)] * 8,
                          as_admin(admin_api))
        no_server_error(answers)
        assert statuses(answers) == Counter({201: 1, 409: 7})


def _pipeline(api, name: str, stages: int = 3) -> tuple[dict, str]:
    created = api.post("/api/v1/pipelines", json={"name": name, "stages": [
        {"name": f"S{i}", "probability": 10 * (i + 1)} for i in range(stages)]})
    assert created.status_code == 201, created.text
    return created.json(), created.headers["ETag"]


def test_a_stage_dropped_while_a_deal_enters_it_answers_409_not_502(platform, admin_api):
    for round_ in range(ROUNDS):
        pipeline, _ = _pipeline(admin_api, f"Race stages {round_}")
        first, second, third = (stage["id"] for stage in pipeline["stages"])
        deal = admin_api.post("/api/v1/opportunities", json={
            "name": "Mover", "amount": "1.00", "currency": "EUR",
            "pipeline_id": pipeline["id"], "stage_id": first}).json()
        kept = [{"id": first, "name": "S0", "probability": 10},
                {"id": second, "name": "S1", "probability": 20}]
        drop = f"{platform.url}/api/v1/pipelines/{pipeline['id']}"
        move = f"{platform.url}/api/v1/opportunities/{deal['id']}/move"
        answers = at_once([
            lambda s, drop=drop, kept=kept: s.patch(drop, json={"stages": kept}, timeout=30),
            lambda s, move=move, third=third: s.post(move, json={"stage_id": third},
                                                     timeout=30),
        ], as_admin(admin_api))
        no_server_error(answers)


def test_a_pipeline_deleted_while_a_deal_enters_it_leaves_no_open_deal_in_it(platform,
                                                                             admin_api):
    for round_ in range(ROUNDS):
        pipeline, _ = _pipeline(admin_api, f"Race delete {round_}")
        stage = pipeline["stages"][0]["id"]
        deal = {"name": "Late deal", "amount": "1.00", "currency": "EUR",
                "pipeline_id": pipeline["id"], "stage_id": stage}
        gone = f"{platform.url}/api/v1/pipelines/{pipeline['id']}"
        deleted, created = at_once([
            lambda s, gone=gone: s.delete(gone, timeout=30),
            lambda s, deal=deal: s.post(f"{platform.url}/api/v1/opportunities", json=deal,
                                        timeout=30),
        ], as_admin(admin_api))
        no_server_error([deleted, created])
        # The rule delete_pipeline enforces: no open deal in a deleted pipeline.
        assert not (deleted.status_code == 204 and created.status_code == 201), \
            "the pipeline was deleted with an open deal in it"


def test_deal_moves_with_one_etag_one_wins(platform, admin_api):
    pipeline = next(p for p in admin_api.get("/api/v1/pipelines").json()["items"]
                    if p["is_default"])
    created = admin_api.post("/api/v1/opportunities", json={
        "name": "Contested", "amount": "5.00", "currency": "EUR"})
    deal, etag = created.json(), created.headers["ETag"]
    targets = [stage["id"] for stage in pipeline["stages"][1:]] * 4
    answers = at_once([
        lambda s, target=target: s.post(
            f"{platform.url}/api/v1/opportunities/{deal['id']}/move",
            json={"stage_id": target}, headers={"If-Match": etag}, timeout=30)
        for target in targets], as_admin(admin_api))
    assert statuses(answers)[200] == 1 and statuses(answers)[412] == len(targets) - 1
    history = admin_api.get(f"/api/v1/opportunities/{deal['id']}/stage-history").json()
    assert len(history["items"]) == 2


# --- marketing ----------------------------------------------------------------------------

def _consenting_contacts(api, count: int) -> list[str]:
    ids = []
    for i in range(count):
        contact = api.post("/api/v1/contacts", json={
            "first_name": "Mia", "last_name": f"Race {i}",
            "email": f"mia.{i}.{uuid.uuid4().hex[:6]}@race-marketing.example"}).json()
        assert api.post(f"/api/v1/contacts/{contact['id']}/consents", json={
            "channel": "email", "status": "granted"}).status_code == 201
        ids.append(contact["id"])
    return ids


def _static_segment(api, contact_ids: list[str]) -> dict:
    segment = api.post("/api/v1/segments", json={
        "name": f"Race {uuid.uuid4().hex[:6]}", "kind": "static"}).json()

    def added() -> bool:  # the contacts reach marketing's projection over the broker
        return api.post(f"/api/v1/segments/{segment['id']}/members",
                        json={"contact_ids": contact_ids}).status_code == 200

    wait_until(added, timeout=20, interval=0.5, message="the members to be known")
    return segment


def test_a_campaign_sent_at_once_starts_once_and_no_5xx(platform, admin_api):
    segment = _static_segment(admin_api, _consenting_contacts(admin_api, 3))
    template = admin_api.post("/api/v1/templates", json={
        "name": "Race", "subject": "Hello", "text_body": "Hi {{contact.first_name}}"}).json()
    campaign = admin_api.post("/api/v1/campaigns", json={
        "name": "Race", "segment_id": segment["id"], "template_id": template["id"]}).json()
    url = f"{platform.url}/api/v1/campaigns/{campaign['id']}/send"
    answers = at_once([lambda s: s.post(url, timeout=30)] * 8, as_admin(admin_api))
    no_server_error(answers)
    assert statuses(answers)[200] == 1


def test_the_same_members_added_at_once_answer_without_a_5xx(platform, admin_api):
    ids = _consenting_contacts(admin_api, 3)
    _static_segment(admin_api, ids)  # known to marketing by now
    for _ in range(ROUNDS):
        segment = admin_api.post("/api/v1/segments", json={
            "name": f"Race {uuid.uuid4().hex[:6]}", "kind": "static"}).json()
        url = f"{platform.url}/api/v1/segments/{segment['id']}/members"
        answers = at_once([lambda s, url=url: s.post(url, json={"contact_ids": ids},
                                                     timeout=30)] * 8, as_admin(admin_api))
        no_server_error(answers)
        members = admin_api.get(f"/api/v1/segments/{segment['id']}/members").json()["items"]
        assert sorted(m["contact_id"] for m in members) == sorted(ids)


def test_a_web_form_submitted_twice_at_once_makes_one_contact(platform, admin_api):
    form = admin_api.post("/api/v1/forms", json={
        "name": "Race form", "consent_text": "Send me the newsletter",
        "rate_limit_per_minute": 1000,
        "fields": [{"name": "email", "required": True}, {"name": "first_name"}]})
    assert form.status_code == 201, form.text
    email = f"lead.{uuid.uuid4().hex[:6]}@race-form.example"
    url = f"{platform.url}/api/v1/forms/{form.json()['id']}/submit"
    answers = at_once([lambda s: s.post(url, json={"email": email, "first_name": "Lea"},
                                        timeout=30)] * 4)  # a double (quadruple) click
    assert statuses(answers) == Counter({202: 4})
    found = admin_api.get("/api/v1/contacts", params={"q": email}).json()["items"]
    assert len(found) == 1, [c["id"] for c in found]


# --- support ------------------------------------------------------------------------------

def test_least_loaded_spreads_tickets_created_at_once(platform, admin_api):
    keyword = f"ll{uuid.uuid4().hex[:6]}"
    members = [f"{keyword}-agent-{i}" for i in range(4)]
    team = admin_api.post("/api/v1/teams", json={
        "name": f"Least loaded {keyword}", "members": members,
        "strategy": "least_loaded"}).json()
    rule = admin_api.post("/api/v1/assignment-rules", json={
        "name": keyword, "team_id": team["id"], "position": 1,
        "conditions": {"keywords": [keyword]}})
    assert rule.status_code == 201, rule.text
    try:
        answers = at_once([lambda s: s.post(f"{platform.url}/api/v1/tickets", timeout=30,
                                            json={"subject": f"Help {keyword}"})] * 16,
                          as_admin(admin_api))
        assert statuses(answers) == Counter({201: 16})
        load = Counter(answer.json()["assignee_id"] for answer in answers)
        assert {member: load[member] for member in members} == dict.fromkeys(members, 4)
    finally:
        admin_api.patch(f"/api/v1/assignment-rules/{rule.json()['id']}",
                        json={"active": False})


def test_replies_written_at_once_on_a_ticket_are_all_kept(platform, admin_api):
    ticket = admin_api.post("/api/v1/tickets", json={"subject": "Busy ticket"}).json()
    url = f"{platform.url}/api/v1/tickets/{ticket['id']}/messages"
    answers = at_once([lambda s, i=i: s.post(url, json={"body": f"Note {i}", "public": False},
                                             timeout=30) for i in range(6)],
                      as_admin(admin_api))
    # Appending a note conflicts with nobody: no If-Match was sent, nothing to refuse.
    assert statuses(answers) == Counter({201: 6}), [a.text[:200] for a in answers]
    read = admin_api.get(f"/api/v1/tickets/{ticket['id']}").json()
    assert len(read["messages"]) == 6


def test_mails_from_a_new_sender_at_once_make_one_contact(platform, admin_api):
    key = admin_api.post("/api/v1/api-keys", json={
        "name": "race mail gateway", "scopes": ["inbound_email:write"]}).json()["key"]
    sender = f"zoe.{uuid.uuid4().hex[:6]}@race-mail.example"

    def mail(subject: str) -> bytes:
        return ("\r\n".join([
            f"From: Zoe <{sender}>", "To: support@crm.example", f"Subject: {subject}",
            f"Message-ID: <{uuid.uuid4().hex}@race-mail.example>",
            "Date: Thu, 26 Nov 2026 10:00:00 +0000", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8"]) + "\r\n\r\nIt broke.\r\n").encode()

    answers = at_once([(lambda raw: lambda s: s.post(
        f"{platform.url}/api/v1/inbound/email", data=raw, timeout=30,
        headers={"X-API-Key": key, "Content-Type": "message/rfc822"}))(mail(f"Issue {i}"))
        for i in range(4)])
    assert statuses(answers) == Counter({201: 4})
    assert len({answer.json()["ticket"]["contact_id"] for answer in answers}) == 1
    found = admin_api.get("/api/v1/contacts", params={"q": sender}).json()["items"]
    assert len(found) == 1


def test_an_upsell_flagged_twice_opens_one_lead(platform, admin_api):
    for _ in range(ROUNDS):
        account = admin_api.post("/api/v1/accounts", json={
            "name": f"Upsell race {uuid.uuid4().hex[:6]}"}).json()
        ticket = admin_api.post("/api/v1/tickets", json={
            "subject": "How many seats?", "account_id": account["id"]}).json()
        url = f"{platform.url}/api/v1/tickets/{ticket['id']}/upsell"
        for _burst in range(2):  # a double click, then the client's retries
            at_once([lambda s, url=url: s.post(url, json={"note": "50 seats"},
                                               timeout=30)] * 8, as_admin(admin_api))
        wait_until(lambda account=account: _leads(admin_api, account) >= 1, timeout=20,
                   message="the lead")
        time.sleep(2)  # any second lead has had the time to arrive too
        assert _leads(admin_api, account) == 1


def _leads(api, account: dict) -> int:
    return len(api.get("/api/v1/opportunities", params={
        "account_id": account["id"]}).json()["items"])


def test_a_csat_survey_rated_at_once_counts_once(platform, admin_api):
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Rae", "last_name": "Ting",
        "email": f"rae.{uuid.uuid4().hex[:6]}@race-csat.example"}).json()
    ticket = admin_api.post("/api/v1/tickets", json={
        "subject": "Rate me", "contact_id": contact["id"]}).json()
    assert admin_api.post(f"/api/v1/tickets/{ticket['id']}/status",
                          json={"status": "solved"}).status_code == 200
    tokens: list[str] = []

    def mailed() -> bool:
        tokens[:] = [token for mail in platform.mails() if contact["email"] in str(mail["To"])
                     for token in re.findall(r"/survey/([\w.\-]+)", mail.get_content())]
        return bool(tokens)

    wait_until(mailed, timeout=15, message="the survey mail")
    url = f"{platform.url}/api/v1/surveys/{tokens[-1]}"
    answers = at_once([(lambda rating: lambda s: s.post(url, json={"rating": rating},
                                                        timeout=30))(1 + i % 5)
                       for i in range(8)])
    assert statuses(answers)[409] == 7 and statuses(answers)[200] + statuses(answers)[201] == 1


# --- gateway ------------------------------------------------------------------------------

def test_idempotent_posts_at_once_make_one_record(platform, admin_api):
    key = uuid.uuid4().hex
    name = f"Idem {key[:8]}"
    answers = at_once([lambda s: s.post(f"{platform.url}/api/v1/contacts", timeout=30,
                                        json={"last_name": name},
                                        headers={"Idempotency-Key": key})] * 10,
                      as_admin(admin_api))
    assert set(statuses(answers)) <= {201, 409}
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    found = admin_api.get("/api/v1/contacts", params={"q": name}).json()["items"]
    assert len(found) == 1


def test_the_sign_in_limit_holds_against_a_burst(platform, admin_api):
    email = f"burst-{uuid.uuid4().hex[:6]}@race.test"
    assert admin_api.post("/api/v1/users", json={
        "email": email, "name": "Burst", "password": "user-password-123",
        "role": "viewer"}).status_code == 201
    answers = at_once([lambda s: s.post(f"{platform.url}/api/v1/auth/token", timeout=60,
                                        json={"email": email, "password": "not-it-123"})]
                      * 20)
    # CRM_LOGIN_ATTEMPTS (10) guesses per window: a 401 is a guess checked, a 429 refused.
    assert statuses(answers)[401] <= 10, statuses(answers)


def test_the_portal_link_limit_holds_against_a_burst(platform, admin_api):
    for _ in range(ROUNDS):
        email = f"portal.{uuid.uuid4().hex[:6]}@race-portal.example"
        admin_api.post("/api/v1/contacts", json={"last_name": "Burst", "email": email})
        answers = at_once([lambda s, email=email: s.post(
            f"{platform.url}/api/v1/portal/sign-in", json={"email": email}, timeout=30)] * 24)
        assert statuses(answers) == Counter({202: 24})
        time.sleep(4)  # the links are mailed in the background
        mailed = [mail for mail in platform.mails() if email in str(mail["To"])]
        assert len(mailed) <= 5, len(mailed)  # LINKS_PER_WINDOW


def test_a_portal_link_followed_at_once_opens_one_session(platform, admin_api):
    email = f"once.{uuid.uuid4().hex[:6]}@race-portal.example"
    admin_api.post("/api/v1/contacts", json={"last_name": "Once", "email": email})
    assert requests.post(f"{platform.url}/api/v1/portal/sign-in", json={"email": email},
                         timeout=30).status_code == 202
    tokens: list[str] = []

    def mailed() -> bool:
        tokens[:] = [token for mail in platform.mails() if email in str(mail["To"])
                     for token in re.findall(r"token=([\w\-]+)", mail.get_content())]
        return bool(tokens)

    wait_until(mailed, timeout=15, message="the sign-in mail")
    answers = at_once([lambda s: s.post(f"{platform.url}/api/v1/portal/session",
                                        json={"token": tokens[-1]}, timeout=30)] * 8)
    assert statuses(answers) == Counter({200: 1, 409: 7})


# --- contacts, on two replicas --------------------------------------------------------------

@pytest.mark.skipif(not uses_postgres(), reason="replicas share a PostgreSQL database; "
                    "SQLite is the one-process default")
def test_a_file_imported_twice_at_once_on_two_replicas_skips_the_known_rows(platform,
                                                                            admin_api):
    """Nothing in a service may assume it is the only replica (DESIGN.md, Scale)."""
    tag = uuid.uuid4().hex[:6]
    count = 1000  # two batches each: the two jobs' runs overlap
    rows = ["first_name,last_name,email,account"] + [
        f"F{i},L{i},row{i}.{tag}@race-import.example,Company {tag}" for i in range(count)]
    data = ("\n".join(rows) + "\n").encode()
    second = platform.start_nameko("contacts-race-replica", SERVICES["contacts"], "contacts")
    try:
        answers = at_once([lambda s: s.post(
            f"{platform.url}/api/v1/contacts/import", data={"dedup": "skip"}, timeout=60,
            files={"file": ("people.csv", data, "text/csv")})] * 2, as_admin(admin_api))
        assert statuses(answers) == Counter({202: 2})
        jobs = [admin_api.wait_for_import(answer.json()["id"]) for answer in answers]
    finally:
        second.stop()
    assert [job["status"] for job in jobs] == ["done", "done"], jobs
    # Each row is created once, by one of the jobs; the other skips it.
    assert sum(job["created"] for job in jobs) == count, [
        (job["created"], job["skipped"]) for job in jobs]
    assert sum(job["skipped"] for job in jobs) == count
    accounts = admin_api.get("/api/v1/accounts", params={"q": tag}).json()
    assert len(accounts["items"]) == 1, accounts["items"]
