"""The marketing service in real nameko containers, on a real database and broker, with
mail going to a real SMTP server (`crm mailbox`) and a stand-in contacts service."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy

from crm_chassis.amqp import events_exchange
from crm_chassis.declare import declare
from crm_contracts.envelope import new_envelope
from crm_contracts.registry import dump_data
from crm_testing.processes import ManagedProcess, free_port, venv_bin, wait_until
from marketing.service import MarketingService

NOW = "2026-11-26T15:00:00+00:00"
CONSENTS: list[tuple[str, dict]] = []


class StandInContacts:
    """What the marketing service asks of the contacts service."""

    name = "contacts"

    @rpc
    def list_custom_fields(self, obj=None):
        return [{"object": "contact", "key": "plan"}]

    @rpc
    def record_consent(self, contact_id, data):
        CONSENTS.append((contact_id, data))
        return {"contact_id": contact_id, **data}

    @rpc
    def event_log(self, cursor=0, limit=500):
        return {"items": [], "next_cursor": None}


@pytest.fixture
def mailbox(tmp_path):
    url = f"smtp://127.0.0.1:{free_port()}"
    process = ManagedProcess("mailbox", [venv_bin("crm"), "mailbox"],
                             {"CRM_SMTP_URL": url, "CRM_DATA_DIR": str(tmp_path)}, tmp_path)
    process.start().wait_for_log("mailbox: SMTP on", timeout=30)
    yield url, tmp_path / "mail"
    process.stop()


@pytest.fixture
def platform(start_service, container_factory, amqp_uri, mailbox, monkeypatch):
    CONSENTS.clear()
    monkeypatch.setenv("CRM_SECRET_KEY", "t" * 48)
    monkeypatch.setenv("CRM_PUBLIC_URL", "https://crm.example")
    declare(MarketingService, amqp_uri)
    container_factory(StandInContacts, {"AMQP_URI": amqp_uri}).start()
    start_service(CRM_SMTP_URL=mailbox[0], CRM_MARKETING_SEND_RATE="20")
    return mailbox[1]


def proxy(amqp_uri, user_id="mia"):
    return ServiceRpcProxy("marketing", {"AMQP_URI": amqp_uri},
                           context_data={"correlation_id": "corr-m1", "user_id": user_id})


def publish(amqp_uri, event_type: str, data: dict) -> None:
    envelope = new_envelope(event_type, 1, "contacts", dump_data(event_type, 1, data), "c-9")
    with Connection(amqp_uri) as connection:
        connection.Producer(serializer="json").publish(
            envelope, exchange=events_exchange("contacts"), routing_key=event_type,
            declare=[events_exchange("contacts")])


def a_contact(amqp_uri, cid: str, consent: str, **fields) -> None:
    publish(amqp_uri, "contact.created", {"contact": {
        "id": cid, "first_name": cid.title(), "email": f"{cid}@example.com",
        "lifecycle_stage": "lead", "version": 1, "created_at": NOW, "updated_at": NOW,
        **fields}})
    publish(amqp_uri, "consent.changed", {"contact_id": cid, "channel": "email",
                                          "status": consent, "recorded_at": NOW})


def test_contacts_of_an_import_join_the_audience(platform, amqp_uri):
    publish(amqp_uri, "contact.imported", {"job_id": "job-1", "contacts": [
        {"id": f"imported-{n}", "email": f"imported{n}@example.com", "lifecycle_stage": "lead",
         "tags": ["fair"], "version": 1, "created_at": NOW, "updated_at": NOW}
        for n in range(3)]})
    rules = {"match": "all", "conditions": [{"field": "tags", "op": "has",
                                             "value": "fair"}]}
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.count_segment_rules({"rules": rules})["count"] == 3,
                   timeout=20, message="the imported contacts projected")


def mails(folder: Path) -> list:
    return [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))]


def test_a_campaign_reaches_only_consenting_contacts_over_smtp(platform, amqp_uri, events):
    a_contact(amqp_uri, "ann", "granted", custom_fields={"plan": "pro"})
    a_contact(amqp_uri, "bob", "denied")
    rules = {"match": "all", "conditions": [{"field": "lifecycle_stage", "op": "eq",
                                             "value": "lead"}]}
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.count_segment_rules({"rules": rules})["count"] == 2,
                   timeout=20, message="both contacts projected")
        segment = rpc.create_segment({"name": "Leads", "rules": rules})
        template = rpc.create_template({
            "name": "Launch", "subject": "News for {{ contact.first_name }}",
            "text_body": "Plan {{ contact.custom_fields.plan }}\n{{ unsubscribe_url }}",
            "html_body": '<p><a href="https://example.com/offer">Offer</a></p>'})
        campaign = rpc.create_campaign({"name": "Launch", "segment_id": segment["id"],
                                        "template_id": template["id"], "cost": "10.00"})
        started = rpc.send_campaign(campaign["id"], campaign["version"])
        wait_until(lambda: rpc.get_campaign(campaign["id"])["status"] == "sent", timeout=30,
                   message="the campaign sent")
        metrics = rpc.campaign_metrics(campaign["id"])
    assert segment["member_count"] == 2 and started["skipped_without_consent"] == 1
    assert metrics["sent"] == 1 and metrics["recipients"] == 1
    [mail] = mails(platform)
    assert mail["To"] == "ann@example.com" and mail["Subject"] == "News for Ann"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<https://crm.example/api/v1/unsubscribe/u.")
    assert mail["Message-ID"].endswith("@marketing.crm>")
    assert "Plan pro" in mail.get_body(("plain",)).get_content()
    types = sorted(event["type"] for event in events(5))
    assert types == ["campaign.completed", "campaign.started", "email.sent", "segment.joined",
                     "segment.joined"]


def test_unsubscribing_goes_through_the_contacts_service_once(platform, amqp_uri):
    a_contact(amqp_uri, "ann", "granted")
    rules = {"match": "all", "conditions": [{"field": "email", "op": "is_set"}]}
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.count_segment_rules({"rules": rules})["count"] == 1,
                   timeout=20, message="the contact projected")
        segment = rpc.create_segment({"name": "All", "rules": rules})
        template = rpc.create_template({"name": "t", "subject": "s",
                                        "text_body": "{{ unsubscribe_url }}"})
        campaign = rpc.create_campaign({"name": "c", "segment_id": segment["id"],
                                        "template_id": template["id"]})
        rpc.send_campaign(campaign["id"])
        wait_until(lambda: len(mails(platform)) == 1, timeout=30, message="the mail")
        token = mails(platform)[0]["List-Unsubscribe"].strip("<>").rsplit("/", 1)[1]
        first = rpc.unsubscribe(token, "one_click")
        again = rpc.unsubscribe(token, "link")
        with pytest.raises(RemoteError) as forged:
            rpc.unsubscribe(token[:-1] + ("1" if token[-1] == "0" else "0"))
    assert first == {"unsubscribed": True, "already": False} and again["already"]
    assert CONSENTS == [("ann", {"channel": "email", "status": "withdrawn",
                                 "source": "unsubscribe link of campaign c"})]
    assert forged.value.exc_type == "ValidationFailed"


def test_bad_input_is_an_answer_naming_the_field(platform, amqp_uri):
    with proxy(amqp_uri) as rpc:
        with pytest.raises(RemoteError) as unknown_field:
            rpc.create_segment({"name": "x", "rules": {"match": "all", "conditions": [
                {"field": "custom.shoe", "op": "eq", "value": "42"}]}})
        with pytest.raises(RemoteError) as bad_template:
            rpc.create_template({"name": "t", "subject": "s", "text_body": "{{ x }}"})
        with pytest.raises(RemoteError) as extra:
            rpc.create_template({"name": "t", "subject": "s", "text_body": "b", "wat": 1})
        with pytest.raises(RemoteError) as missing:
            rpc.get_campaign("nope")
    assert unknown_field.value.exc_type == "ValidationFailed"
    assert "custom.shoe" in str(unknown_field.value)
    assert bad_template.value.exc_type == "ValidationFailed" and "line 1" in str(
        bad_template.value)
    assert extra.value.exc_type == "ValidationFailed" and "wat" in str(extra.value)
    assert missing.value.exc_type == "NotFound"


def test_a_sender_killed_mid_campaign_loses_and_doubles_nothing(
        start_service, container_factory, amqp_uri, mailbox, monkeypatch, sessions):
    """30 mails at 10/s; the service is killed after a few, then another replica starts:
    every recipient gets the mail, under one Message-ID each, and every row ends `sent`."""
    from sqlalchemy import select

    from marketing.models import Recipient

    monkeypatch.setenv("CRM_SECRET_KEY", "t" * 48)
    declare(MarketingService, amqp_uri)
    container_factory(StandInContacts, {"AMQP_URI": amqp_uri}).start()
    first = start_service(CRM_SMTP_URL=mailbox[0], CRM_MARKETING_SEND_RATE="10",
                          CRM_MARKETING_SEND_LEASE_SECONDS="2")
    names = [f"p{index:02d}" for index in range(30)]
    for name in names:
        a_contact(amqp_uri, name, "granted")
    rules = {"match": "all", "conditions": [{"field": "email", "op": "is_set"}]}
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.count_segment_rules({"rules": rules})["count"] == 30,
                   timeout=30, message="30 contacts projected")
        segment = rpc.create_segment({"name": "All", "rules": rules})
        template = rpc.create_template({"name": "t", "subject": "s", "text_body": "b"})
        campaign = rpc.create_campaign({"name": "c", "segment_id": segment["id"],
                                        "template_id": template["id"]})
        rpc.send_campaign(campaign["id"])
    wait_until(lambda: len(mails(mailbox[1])) >= 5, timeout=30, message="a few mails")
    first.kill()
    assert len(mails(mailbox[1])) < 30
    start_service(CRM_SMTP_URL=mailbox[0], CRM_MARKETING_SEND_RATE="50",
                  CRM_MARKETING_SEND_LEASE_SECONDS="2")
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.get_campaign(campaign["id"])["status"] == "sent", timeout=60,
                   message="the campaign finished by the second replica")
    received = mails(mailbox[1])
    assert sorted(str(mail["To"]) for mail in {m["Message-ID"]: m for m in received}
                  .values()) == sorted(f"{name}@example.com" for name in names)
    # The one mail a kill can catch between the SMTP answer and the commit goes again
    # under the same Message-ID: at most one such, and never under another id.
    assert len(received) - len({mail["Message-ID"] for mail in received}) <= 1
    with sessions() as session:
        assert {row.status for row in session.scalars(select(Recipient))} == {"sent"}
