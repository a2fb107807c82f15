"""The support service in real nameko containers, on a real database and broker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import update

from crm_chassis.amqp import events_exchange
from crm_chassis.db import make_engine
from crm_chassis.declare import declare
from crm_chassis.migrations import upgrade
from crm_contracts.envelope import new_envelope
from crm_contracts.registry import dump_data
from crm_testing.processes import wait_until
from support.models import Ticket
from support.service import SupportService

NOW = "2026-11-26T15:00:00+00:00"
CONTACTS_MIGRATIONS = Path(__file__).resolve().parents[3] / "contacts" / "migrations"


def proxy(amqp_uri, user_id="ann", service="support"):
    context = {"correlation_id": "corr-t1", "user_id": user_id}
    return ServiceRpcProxy(service, {"AMQP_URI": amqp_uri}, context_data=context)


def publish_contacts_event(amqp_uri, event_type: str, data: dict) -> dict:
    """A contacts event exactly as the contacts service's relay publishes it."""
    envelope = new_envelope(event_type, 1, "contacts", dump_data(event_type, 1, data), "c-9")
    with Connection(amqp_uri) as connection:
        producer = connection.Producer(serializer="json")
        producer.publish(envelope, exchange=events_exchange("contacts"),
                         routing_key=event_type, declare=[events_exchange("contacts")])
    return envelope


def stamps(version: int = 1) -> dict:
    return {"version": version, "created_at": NOW, "updated_at": NOW}


def test_a_ticket_and_its_events_leave_together(start_service, amqp_uri, events):
    start_service()
    with proxy(amqp_uri) as rpc:
        ticket = rpc.create_ticket({"subject": "Printer on fire", "priority": "high",
                                    "channel": "phone"})
        reply = rpc.add_message(ticket["id"], {"body": "Fire brigade is on the way"})
        version = rpc.get_ticket(ticket["id"])["version"]
        solved = rpc.change_status(ticket["number"], {"status": "solved"}, version)
        listed = rpc.list_tickets({"filters": {"status": "solved"}})
    assert ticket["number"].startswith("T-") and ticket["sla"]["first_response"]["due_at"]
    assert reply["author_id"] == "ann" and reply["email_message_id"].endswith("@support.crm")
    assert solved["status"] == "solved" and solved["survey_token"]
    assert solved["sla"]["first_response"]["status"] == "met"
    assert [item["id"] for item in listed["items"]] == [ticket["id"]]
    published = events(4)  # the default team has no members: created, then two changes
    assert [e["type"] for e in published] == ["ticket.created", "ticket.assigned",
                                              "ticket.status_changed", "ticket.status_changed"]
    assert [e["type"] for e in events(1)] == ["ticket.solved"]
    assert all(e["correlation_id"] == "corr-t1" for e in published)
    assert all("subject" not in e["data"].get("ticket", {}) for e in published)


def test_errors_are_answers_that_name_the_field_and_write_nothing(start_service, amqp_uri):
    start_service()
    with proxy(amqp_uri) as rpc:
        with pytest.raises(RemoteError) as unknown:
            rpc.create_ticket({"subject": "x", "wat": 1})
        with pytest.raises(RemoteError) as priority:
            rpc.create_ticket({"subject": "x", "priority": "critical"})
        with pytest.raises(RemoteError) as junk:
            rpc.receive_email("this is not a mail")
        ticket = rpc.create_ticket({"subject": "x"})
        rpc.change_status(ticket["id"], {"status": "closed"})
        with pytest.raises(RemoteError) as transition:
            rpc.change_status(ticket["id"], {"status": "open"})
        with pytest.raises(RemoteError) as stale:
            rpc.update_ticket(ticket["id"], {"subject": "y"}, 1)
        with pytest.raises(RemoteError) as missing:
            rpc.get_ticket("T-999999")
        assert len(rpc.list_tickets({})["items"]) == 1
    assert unknown.value.exc_type == priority.value.exc_type == "ValidationFailed"
    assert "wat" in str(unknown.value.value) and "priority" in str(priority.value.value)
    assert junk.value.exc_type == "ValidationFailed" and "raw" in str(junk.value.value)
    assert transition.value.exc_type == "InvalidTransition"
    assert stale.value.exc_type == "StaleVersion" and missing.value.exc_type == "NotFound"


def test_inbound_email_finds_or_creates_the_sender_in_the_contacts_service(
        start_service, container_factory, amqp_uri, make_database, monkeypatch):
    from contacts.service import ContactsService

    contacts_url = make_database("crm_contacts")
    upgrade(CONTACTS_MIGRATIONS, contacts_url)
    monkeypatch.setenv("CRM_CONTACTS_DATABASE_URL", contacts_url)
    container_factory(ContactsService, {"AMQP_URI": amqp_uri}).start()
    declare(SupportService, amqp_uri)
    start_service()
    refused = ("From: Hank <hank@globex.test>\r\nSubject: x\r\n"
               "Message-ID: <bad@globex.test>\r\n\r\nx\r\n")
    raw = ("From: Hank Scorpio <hank@globex.com>\r\nSubject: Laser broken\r\n"
           "Message-ID: <first@globex.com>\r\n\r\nThe laser is broken.\r\n")
    with proxy(amqp_uri) as rpc:
        with pytest.raises(RemoteError) as bad_sender:
            rpc.receive_email(refused)
        first = rpc.receive_email(raw)
        again = rpc.receive_email(raw)
        second = rpc.receive_email(raw.replace("first@", "second@").replace(
            "Laser broken", "Also the shark"))
    assert bad_sender.value.exc_type == "ValidationFailed" and "raw" in str(bad_sender.value)
    ticket = first["ticket"]
    assert first["created"] and ticket["channel"] == "email" and ticket["contact_id"]
    assert again["duplicate"] and again["ticket"]["id"] == ticket["id"]
    assert second["created"] and second["ticket"]["contact_id"] == ticket["contact_id"]
    with proxy(amqp_uri, service="contacts") as contacts:
        found = contacts.list_contacts({"filters": {"email": "hank@globex.com"}})["items"]
    assert [c["id"] for c in found] == [ticket["contact_id"]]
    assert found[0]["first_name"] == "Hank" and found[0]["last_name"] == "Scorpio"


def test_contacts_events_feed_the_vip_projection_once(start_service, amqp_uri):
    declare(SupportService, amqp_uri)
    start_service()
    account = {"id": "acc-vip", "name": "Globex", "tier": "vip", "owner_id": "rep-1",
               **stamps()}
    publish_contacts_event(amqp_uri, "account.created", {"account": account})
    envelope = publish_contacts_event(amqp_uri, "contact.created", {"contact": {
        "id": "c-vip", "first_name": "Hank", "email": "hank@globex.test",
        "account_id": "acc-vip", **stamps()}})
    publish_contacts_event(amqp_uri, "contact.created", {"contact": {
        "id": "c-vip", "first_name": "Hank", "email": "hank@globex.test",
        "account_id": "acc-vip", **stamps()}})
    with Connection(amqp_uri) as connection:  # a redelivery of the very same event
        connection.Producer(serializer="json").publish(
            envelope, exchange=events_exchange("contacts"), routing_key="contact.created")

    def vip_ticket() -> dict:
        with proxy(amqp_uri) as rpc:
            return rpc.create_ticket({"subject": "Help", "contact_id": "c-vip",
                                      "priority": "urgent"})

    wait_until(lambda: vip_ticket()["vip"], message="the VIP account to be known")
    ticket = vip_ticket()
    assert ticket["account_id"] == "acc-vip"
    assert ticket["sla"]["first_response"]["target_minutes"] == 30
    with proxy(amqp_uri) as rpc:
        flagged = rpc.flag_upsell(ticket["id"], {"note": "wants more seats"})
    assert flagged["upsell_flagged"]


def test_contacts_of_an_import_are_projected_as_if_created_one_by_one(start_service,
                                                                      amqp_uri):
    declare(SupportService, amqp_uri)
    start_service()
    publish_contacts_event(amqp_uri, "account.created", {"account": {
        "id": "acc-vip", "name": "Globex", "tier": "vip", **stamps()}})
    publish_contacts_event(amqp_uri, "contact.imported", {"job_id": "job-1", "contacts": [
        {"id": f"c-{n}", "email": f"person{n}@globex.test", "account_id": "acc-vip",
         **stamps()} for n in range(3)]})

    def vip(contact_id: str) -> bool:
        with proxy(amqp_uri) as rpc:
            return rpc.create_ticket({"subject": "Help", "contact_id": contact_id})["vip"]

    wait_until(lambda: vip("c-2"), message="the imported contacts to be known")
    assert vip("c-0") and vip("c-1")


def test_an_erased_contact_leaves_tickets_without_words(start_service, amqp_uri):
    declare(SupportService, amqp_uri)
    start_service()
    with proxy(amqp_uri) as rpc:
        ticket = rpc.create_ticket({"subject": "Hank's printer", "contact_id": "hank",
                                    "description": "Hank lives at 1 Main St"})
        rpc.add_message(ticket["id"], {"body": "Hi Hank"})
    publish_contacts_event(amqp_uri, "contact.erased", {"contact_id": "hank"})
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.get_ticket(ticket["id"])["description"] is None,
                   message="the ticket to be scrubbed")
        erased = rpc.get_ticket(ticket["id"])
    assert "Hank" not in str(erased) and erased["status"] == "open"
    assert erased["created_at"] == ticket["created_at"]
    # A portal session signed for Hank before the erasure ends with it.
    with proxy(amqp_uri) as rpc, pytest.raises(RemoteError) as gone:
        rpc.portal_list_tickets("hank")
    assert gone.value.exc_type == "Gone" and "erased" in str(gone.value)


def test_a_merged_away_contact_loses_the_portal_and_the_survivor_keeps_it(
        start_service, amqp_uri):
    declare(SupportService, amqp_uri)
    start_service()
    with proxy(amqp_uri) as rpc:
        mine = rpc.portal_create_ticket("old-id", {"subject": "Login", "description": "x"})
    publish_contacts_event(amqp_uri, "contact.merged", {
        "surviving_id": "new-id", "merged_id": "old-id", "changed_by": None,
        "contact": {"id": "new-id", "first_name": "Ana", "email": "ana@example.test",
                    **stamps(2)}})
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.portal_list_tickets("new-id")["items"],
                   message="the ticket to follow the survivor")
        with pytest.raises(RemoteError) as gone:
            rpc.portal_create_ticket("old-id", {"subject": "Again", "description": "y"})
        assert [t["id"] for t in rpc.portal_list_tickets("new-id")["items"]] == [mine["id"]]
    assert gone.value.exc_type == "Gone" and "merged" in str(gone.value)


def test_a_breach_is_reported_once_by_two_replicas(start_service, amqp_uri, events, migrated):
    first = start_service(CRM_SUPPORT_SLA_CHECKS="1")
    second = start_service()
    with proxy(amqp_uri) as rpc:
        manager_team = rpc.create_team({"name": "Night", "members": ["amy"],
                                        "manager_id": "boss"})
        ticket = rpc.create_ticket({"subject": "Down", "team_id": manager_team["id"]})
    events(2)  # created, assigned
    engine = make_engine(migrated)
    with engine.begin() as connection:  # its first response was due a minute ago
        connection.execute(update(Ticket).where(Ticket.id == ticket["id"]).values(
            first_response_due_at=datetime.now(UTC) - timedelta(minutes=1)))
    engine.dispose()
    [breach] = events(1, timeout=20)
    assert breach["type"] == "ticket.sla_breached"
    assert breach["data"]["target"] == "first_response"
    assert breach["data"]["manager_id"] == "boss"
    assert breach["data"]["priority_raised_to"] == "high"
    with pytest.raises(TimeoutError):
        events(1, timeout=3)  # never a second report, though both replicas tick
    with proxy(amqp_uri) as rpc:
        seen = rpc.get_ticket(ticket["id"])
    assert seen["escalated"] and seen["sla"]["first_response"]["breached"]
    assert first is not None and second is not None


def test_survey_portal_and_360_through_rpc(start_service, amqp_uri, monkeypatch):
    monkeypatch.setenv("CRM_SECRET_KEY", "s" * 40)
    start_service()
    with proxy(amqp_uri) as rpc:
        mine = rpc.portal_create_ticket("c-me", {"subject": "Login fails",
                                                 "description": "Since Monday"})
        theirs = rpc.create_ticket({"subject": "Other", "contact_id": "c-them"})
        with pytest.raises(RemoteError) as hidden:
            rpc.portal_get_ticket("c-me", theirs["id"])
        with pytest.raises(RemoteError) as hidden_reply:
            rpc.portal_reply("c-me", theirs["number"], {"body": "let me in"})
        rpc.add_message(mine["id"], {"body": "internal", "public": False})
        rpc.portal_reply("c-me", mine["id"], {"body": "Still failing"})
        seen = rpc.portal_get_ticket("c-me", mine["number"])
        listed = rpc.portal_list_tickets("c-me")
        solved = rpc.change_status(mine["id"], {"status": "solved"})
        survey = rpc.get_survey(solved["survey_token"])
        answer = rpc.submit_survey(solved["survey_token"], {"rating": 4, "comment": "ok"})
        with pytest.raises(RemoteError) as twice:
            rpc.submit_survey(solved["survey_token"], {"rating": 5})
        with pytest.raises(RemoteError) as forged:
            rpc.get_survey(solved["survey_token"][:-4] + "beef")
        view = rpc.contact_360("c-me")
        empty = rpc.account_360("nobody")
    assert hidden.value.exc_type == hidden_reply.value.exc_type == "NotFound"
    assert mine["channel"] == "web_form"
    assert [m["body"] for m in seen["messages"]] == ["Since Monday", "Still failing"]
    assert [t["id"] for t in listed["items"]] == [mine["id"]]
    assert survey["ticket_number"] == mine["number"] and answer["rating"] == 4
    assert twice.value.exc_type == "Conflict" and forged.value.exc_type == "ValidationFailed"
    assert view["csat"][0]["rating"] == 4 and view["tickets"]["recent"][0]["id"] == mine["id"]
    assert empty == {"tickets": {"open": [], "recent": []},
                     "sla": {"open": 0, "breached": 0, "at_risk": 0}, "csat": []}


def test_the_event_log_serves_the_outbox(start_service, amqp_uri):
    start_service()
    with proxy(amqp_uri) as rpc:
        rpc.create_ticket({"subject": "Hello"})
        log = rpc.event_log(0, 10)
    assert [item["type"] for item in log["items"]][:1] == ["ticket.created"]


def test_the_setup_rpcs_answer_plain_json(start_service, amqp_uri):
    start_service()
    with proxy(amqp_uri) as rpc:
        policies = rpc.list_sla_policies()["items"]
        urgent = next(p for p in policies if (p["priority"], p["tier"]) == ("urgent", "vip"))
        edited = rpc.update_sla_policy(urgent["id"], {"first_response_minutes": 15},
                                       urgent["version"])
        with pytest.raises(RemoteError) as taken:
            rpc.create_sla_policy({"name": "again", "priority": "urgent", "tier": "vip",
                                   "first_response_minutes": 5, "resolution_minutes": 50})
        calendar = rpc.get_calendar()
        calendar = rpc.update_calendar(calendar["id"], {"holidays": ["2026-12-25"]},
                                       calendar["version"])
        team = rpc.create_team({"name": "Billing", "members": ["cat", "dan"],
                                "strategy": "least_loaded"})
        rule = rpc.create_assignment_rule({"name": "invoices", "team_id": team["id"],
                                           "conditions": {"keywords": ["invoice"]}})
        ticket = rpc.create_ticket({"subject": "Invoice twice", "description": "refund?"})
        rpc.update_assignment_rule(rule["id"], {"active": False})
        with pytest.raises(RemoteError) as in_use:
            rpc.delete_team(team["id"])
        again = rpc.reassign_ticket(ticket["id"])
        category = rpc.create_kb_category({"name": "Billing"})
        article = rpc.create_article({"title": "Refunds for double invoices",
                                      "body": "We refund a double invoice within a week.",
                                      "category_id": category["id"]})
        hidden = rpc.search_articles({"q": "refund invoice"})
        rpc.publish_article(article["id"])
        found = rpc.search_articles({"q": "refund invoice"})
        suggested = rpc.suggest_articles(ticket["id"])
        teams = rpc.list_teams()["items"]
        rules = rpc.list_assignment_rules()["items"]
    assert edited["first_response_minutes"] == 15 and taken.value.exc_type == "Conflict"
    assert calendar["holidays"] == ["2026-12-25"]
    assert ticket["team_id"] == team["id"] and ticket["assignee_id"] in {"cat", "dan"}
    assert in_use.value.exc_type == "Conflict"
    assert again["team_id"] == next(t["id"] for t in teams if t["is_default"])
    assert hidden["items"] == [] and found["items"][0]["id"] == article["id"]
    assert suggested["items"][0]["id"] == article["id"] and suggested["items"][0]["score"] > 0
    assert rules[0]["active"] is False


def test_a_ticket_for_a_contact_not_yet_projected_asks_the_contacts_service(
        start_service, container_factory, amqp_uri, make_database, monkeypatch):
    from contacts.service import ContactsService

    contacts_url = make_database("crm_contacts")
    upgrade(CONTACTS_MIGRATIONS, contacts_url)
    monkeypatch.setenv("CRM_CONTACTS_DATABASE_URL", contacts_url)
    # No relay: contacts' events never reach support, as when they are still on their way.
    monkeypatch.setenv("CRM_OUTBOX_RELAY", "0")
    container_factory(ContactsService, {"AMQP_URI": amqp_uri}).start()
    start_service()
    with proxy(amqp_uri, service="contacts") as contacts:
        account = contacts.create_account({"name": "Globex", "tier": "vip"})
        contact = contacts.create_contact({"first_name": "Hank", "account_id": account["id"]})
    with proxy(amqp_uri) as rpc:
        ticket = rpc.create_ticket({"subject": "Laser broken", "contact_id": contact["id"]})
        unknown = rpc.create_ticket({"subject": "Who?", "contact_id": "no-such-contact"})
    assert ticket["account_id"] == account["id"] and ticket["vip"] is True
    assert unknown["contact_id"] == "no-such-contact" and unknown["account_id"] is None
