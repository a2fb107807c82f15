"""A campaign through the real gateway, marketing and contacts services and the local
mailbox: contacts with and without email consent, a dynamic segment over them, a
template checked at save, a campaign that mails only the consenting contact, who opens
it, clicks through and unsubscribes with one click; each step an event on the bus and the
consent withdrawn in the contacts service."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from kombu import Connection, Queue

from crm_chassis.amqp import events_exchange
from crm_testing.processes import wait_until


@pytest.fixture(scope="module")
def marketer(user_api):
    return user_api("marketing", "Mia")


@pytest.fixture
def marketing_events(platform):
    """Every marketing event from now on, read from a queue bound before the journey."""
    connection = Connection(platform.amqp_uri)
    queue = connection.SimpleQueue(Queue(f"e2e-marketing-{uuid.uuid4().hex[:6]}",
                                         exchange=events_exchange("marketing"),
                                         routing_key="#", auto_delete=True))
    seen: list[dict] = []

    def until(event_type: str, timeout: float = 30) -> list[dict]:
        def arrived() -> bool:
            try:
                message = queue.get(block=True, timeout=0.2)
            except queue.Empty:
                return any(event["type"] == event_type for event in seen)
            message.ack()
            seen.append(message.payload)
            return any(event["type"] == event_type for event in seen)

        wait_until(arrived, timeout=timeout, message=f"a {event_type} event")
        return seen

    yield until
    queue.close()
    connection.release()


def _path(url: str) -> str:
    """Links in mails start with CRM_PUBLIC_URL; the test reaches this platform's port."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_campaign_reaches_the_consenting_contact_who_opens_clicks_and_leaves(
        platform, admin_api, marketer, marketing_events):
    domain = f"m{uuid.uuid4().hex[:6]}.example"
    people = {}
    for name, consent in (("ann", "granted"), ("bob", "denied"), ("cat", None)):
        created = marketer.post("/api/v1/contacts", json={
            "first_name": name.title(), "last_name": "Lead", "email": f"{name}@{domain}",
            "lifecycle_stage": "lead"})
        assert created.status_code == 201, created.text
        people[name] = created.json()["id"]
        if consent:
            recorded = marketer.post(f"/api/v1/contacts/{people[name]}/consents", json={
                "channel": "email", "status": consent, "source": "e2e"})
            assert recorded.status_code == 201, recorded.text

    rules = {"match": "all", "conditions": [
        {"field": "email", "op": "ends_with", "value": f"@{domain}"},
        {"field": "lifecycle_stage", "op": "eq", "value": "lead"}]}
    wait_until(lambda: marketer.post("/api/v1/segments/count", json={"rules": rules})
               .json().get("count") == 3, timeout=30, message="the contacts projected")
    unknown = marketer.post("/api/v1/segments", json={"name": "x", "rules": {
        "match": "all", "conditions": [{"field": "shoe_size", "op": "eq", "value": "9"}]}})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"rules.conditions.0.field": ["unknown field 'shoe_size'"]}
    segment = marketer.post("/api/v1/segments", json={"name": f"Leads at {domain}",
                                                      "rules": rules})
    assert segment.status_code == 201 and segment.json()["member_count"] == 3
    members = marketer.get(f"/api/v1/segments/{segment.json()['id']}/members").json()
    assert {m["contact_id"] for m in members["items"]} == set(people.values())
    marketing_events("segment.joined")

    broken = marketer.post("/api/v1/templates", json={
        "name": "broken", "subject": "Hi", "text_body": "Hello\n{{ contact.shoe_size }}"})
    assert broken.status_code == 422 and broken.json()["errors"]["text_body"][0].startswith(
        "line 2:")
    template = marketer.post("/api/v1/templates", json={
        "name": "Launch", "subject": "News for {{ contact.first_name }}",
        "text_body": "Hello {{ contact.first_name }},\nsee https://example.com/offer\n"
                     "Unsubscribe: {{ unsubscribe_url }}\n",
        "html_body": '<p>Hello {{ contact.first_name }}, see <a href="https://example.com/'
                     'offer">the offer</a>.</p>'}).json()
    preview = marketer.post(f"/api/v1/templates/{template['id']}/preview",
                            json={"contact_id": people["ann"]})
    assert preview.json()["subject"] == "News for Ann"

    campaign = marketer.post("/api/v1/campaigns", json={
        "name": "Launch", "segment_id": segment.json()["id"], "template_id": template["id"],
        "cost": "30.00", "budget": "100.00"}).json()
    sent = marketer.post(f"/api/v1/campaigns/{campaign['id']}/send",
                         headers={"If-Match": f'"{campaign["version"]}"'})
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sending" and sent.json()["skipped_without_consent"] == 2

    def mails_to_domain():
        return [mail for mail in platform.mails() if str(mail["To"]).endswith(domain)]

    wait_until(lambda: len(mails_to_domain()) == 1, timeout=30, message="the campaign mail")
    [mail] = mails_to_domain()
    assert mail["To"] == f"ann@{domain}" and mail["Subject"] == "News for Ann"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Message-ID"].endswith("@marketing.crm>")
    html = mail.get_body(("html",)).get_content()
    pixel = re.search(r'<img src="([^"]+)"', html).group(1)
    click = re.search(r'href="([^"]+/api/v1/t/c/[^"]+)"', html).group(1)
    unsubscribe = mail["List-Unsubscribe"].strip("<>")

    opened = requests.get(platform.url + _path(pixel), timeout=30)
    assert opened.status_code == 200 and opened.headers["Content-Type"] == "image/gif"
    clicked = requests.get(platform.url + _path(click), allow_redirects=False, timeout=30)
    assert clicked.status_code == 302 and clicked.headers["Location"] == \
        "https://example.com/offer"
    signed = _path(click)
    forged = requests.get(platform.url + signed[:-1] + ("1" if signed[-1] == "0" else "0"),
                          allow_redirects=False, timeout=30)
    assert forged.status_code == 401 and "Location" not in forged.headers
    page = requests.get(platform.url + _path(unsubscribe), timeout=30)
    assert page.status_code == 200 and "<form" in page.text
    left = requests.post(platform.url + _path(unsubscribe),
                         data={"List-Unsubscribe": "One-Click"}, timeout=30)
    assert left.json() == {"unsubscribed": True, "already": False}
    again = requests.post(platform.url + _path(unsubscribe),
                          data={"List-Unsubscribe": "One-Click"}, timeout=30)
    assert again.json()["already"] is True

    seen = marketing_events("email.unsubscribed")
    mine = [e for e in seen if e["data"].get("campaign_id") == campaign["id"]
            or e["data"].get("campaign", {}).get("id") == campaign["id"]]
    types = {e["type"] for e in mine}
    assert {"campaign.started", "email.sent", "email.opened", "email.clicked",
            "email.unsubscribed"} <= types
    assert all(e["data"]["contact_id"] == people["ann"] for e in mine
               if e["type"].startswith("email."))

    consent = admin_api.get(f"/api/v1/contacts/{people['ann']}/consents").json()
    assert consent["current"]["email"]["status"] == "withdrawn"
    wait_until(lambda: marketer.get(f"/api/v1/campaigns/{campaign['id']}/metrics").json()
               ["status"] == "sent", timeout=30, message="the campaign complete")
    metrics = marketer.get(f"/api/v1/campaigns/{campaign['id']}/metrics").json()
    assert (metrics["sent"], metrics["opened"], metrics["clicked"],
            metrics["unsubscribed"]) == (1, 1, 1, 1)
    assert metrics["open_rate"] == "1.0000" and metrics["cost_per_mail"] == "30.00"


def test_a_web_form_makes_a_lead_with_its_consent_through_the_contacts_service(
        platform, admin_api, marketer, marketing_events):
    site = "https://www.acme-shop.example"
    form = marketer.post("/api/v1/forms", json={
        "name": "Demo request", "consent_text": "Yes, email me product news.",
        "fields": [{"name": "email", "required": True}, {"name": "first_name"}],
        "allowed_origins": [site], "rate_limit_per_minute": 2})
    assert form.status_code == 201, form.text
    submit = f"{platform.url}/api/v1/forms/{form.json()['id']}/submit"
    email = f"lead-{uuid.uuid4().hex[:6]}@acme-shop.example"
    posted = requests.post(submit, headers={"Origin": site}, timeout=30, json={
        "email": email, "first_name": "Lou", "consent": True, "utm_source": "newsletter"})
    assert posted.status_code == 202, posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == site
    foreign = requests.post(submit, headers={"Origin": "https://evil.example"}, timeout=30,
                            json={"email": email})
    assert foreign.status_code == 403
    requests.post(submit, headers={"Origin": site}, json={"email": email}, timeout=30)
    flood = requests.post(submit, headers={"Origin": site}, json={"email": email},
                          timeout=30)
    assert flood.status_code == 429 and flood.headers["Retry-After"]

    [person] = admin_api.get("/api/v1/contacts", params={"q": email}).json()["items"]
    assert person["lifecycle_stage"] == "lead" and person["first_name"] == "Lou"
    consent = admin_api.get(f"/api/v1/contacts/{person['id']}/consents").json()
    assert consent["current"]["email"]["status"] == "granted"
    assert "Yes, email me product news." in consent["current"]["email"]["source"]
    seen = marketing_events("form.submitted")
    [event] = [e for e in seen if e["type"] == "form.submitted"
               and e["data"]["contact_id"] == person["id"]][:1]
    assert event["data"]["utm_source"] == "newsletter" and event["data"]["created_contact"]


def test_the_360_view_shows_the_marketing_part(platform, admin_api, marketer):
    created = marketer.post("/api/v1/contacts", json={
        "first_name": "Vic", "email": f"vic-{uuid.uuid4().hex[:6]}@acme-360.example"})
    contact_id = created.json()["id"]
    lists = marketer.post("/api/v1/segments", json={"name": "360 list", "kind": "static"})

    def projected() -> bool:
        added = marketer.post(f"/api/v1/segments/{lists.json()['id']}/members",
                              json={"contact_ids": [contact_id]})
        return added.status_code == 200

    wait_until(projected, timeout=30, message="the contact projected into marketing")
    view = admin_api.get(f"/api/v1/contacts/{contact_id}/360").json()
    assert view["complete"] is True, view["missing"]
    assert [s["name"] for s in view["segments"]] == ["360 list"]
    assert view["lead_score"]["score"] == 0 and view["enrolments"] == []


def test_the_projection_is_rebuilt_from_the_contacts_log_through_the_cli(platform,
                                                                          admin_api):
    email = f"rebuilt.{uuid.uuid4().hex[:8]}@rebuild.example"
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Rita", "last_name": "Rebuilt", "email": email,
        "city": "Rebuildville"}).json()
    admin_api.post(f"/api/v1/contacts/{contact['id']}/consents", json={
        "channel": "email", "status": "granted", "source": "e2e"})
    rules = {"match": "all", "conditions": [
        {"field": "city", "op": "eq", "value": "Rebuildville"},
        {"field": "consent.email", "op": "eq", "value": "granted"}]}

    def counted() -> int:
        return admin_api.post("/api/v1/segments/count", json={"rules": rules}).json()["count"]

    wait_until(lambda: counted() == 1, timeout=20, message="the contact in marketing's view")
    environ = {**os.environ, **platform.env, "CRM_URL": platform.url}
    environ.pop("CRM_API_KEY", None)
    done = subprocess.run([sys.executable, "-m", "crm_cli.main", "marketing", "rebuild"],
                          env=environ, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "rebuilt from" in done.stdout
    status = admin_api.get("/api/v1/marketing/projection").json()
    assert status["rebuilt_at"] and status["cursor"] > 0
    assert counted() == 1
    # Only admins rebuild; a bad page request is named, not a crash.
    assert admin_api.post("/api/v1/marketing/projection/rebuild",
                          json={"cursor": -1}).status_code == 422
