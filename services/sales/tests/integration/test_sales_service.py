"""The sales service in a real nameko container, on a real database and broker."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import select

from crm_chassis.amqp import events_exchange
from crm_chassis.declare import declare
from crm_contracts.envelope import new_envelope
from crm_contracts.registry import dump_data
from crm_testing.processes import wait_until
from sales.models import FollowUp
from sales.service import SalesService

NOW = "2026-11-26T15:00:00+00:00"


def proxy(amqp_uri, user_id="ann", role=None):
    context = {"correlation_id": "corr-s1", "user_id": user_id, "user_role": role}
    return ServiceRpcProxy("sales", {"AMQP_URI": amqp_uri}, context_data={
        key: value for key, value in context.items() if value is not None})


def publish_contacts_event(amqp_uri, event_type: str, data: dict,
                           source: str = "contacts") -> dict:
    """An event exactly as the producing service's relay publishes it."""
    envelope = new_envelope(event_type, 1, source, dump_data(event_type, 1, data), "c-9")
    with Connection(amqp_uri) as connection:
        producer = connection.Producer(serializer="json")
        producer.publish(envelope, exchange=events_exchange(source),
                         routing_key=event_type, declare=[events_exchange(source)])
    return envelope


def contact(contact_id: str) -> dict:
    return {"id": contact_id, "first_name": "Hank", "last_name": "Scorpio", "version": 3,
            "created_at": NOW, "updated_at": NOW}


def test_a_move_and_its_events_leave_together(start_service, amqp_uri, events):
    start_service()
    with proxy(amqp_uri) as rpc:
        deal = rpc.create_opportunity({"name": "Globex", "amount": "2500.00",
                                       "currency": "EUR", "account_id": "acc-1",
                                       "expected_close_date": "2026-12-20"})
        proposal = rpc.list_pipelines()["items"][0]["stages"][2]
        moved = rpc.move_opportunity(deal["id"], {"stage_id": proposal["id"]}, 1)
        board = rpc.opportunity_board({"cards": 5})
        forecast = rpc.forecast({"period": "month"})
    assert moved["stage_name"] == "Proposal" and moved["version"] == 2
    assert board["stages"][2]["count"] == 1
    assert board["stages"][2]["totals"] == [{"currency": "EUR", "amount": "2500.00",
                                             "weighted_amount": "1250.00"}]
    assert forecast["totals"][0]["period"] == "2026-12"
    created, changed = events(2)
    assert [created["type"], changed["type"]] == ["opportunity.created",
                                                  "opportunity.stage_changed"]
    assert changed["correlation_id"] == "corr-s1" and changed["data"]["changed_by"] == "ann"
    assert changed["data"]["opportunity"]["amount"] == "2500.00"
    assert changed["data"]["to_stage_name"] == "Proposal"


def test_errors_are_answers_that_name_the_field_and_write_nothing(start_service, amqp_uri):
    start_service()
    with proxy(amqp_uri, "ann", "sales_rep") as rpc:
        with pytest.raises(RemoteError) as unknown:
            rpc.create_opportunity({"name": "X", "amount": "1", "currency": "EUR", "wat": 1})
        with pytest.raises(RemoteError) as currency:
            rpc.create_opportunity({"name": "X", "amount": "1", "currency": "EUX"})
        with pytest.raises(RemoteError) as not_mine:
            rpc.create_opportunity({"name": "X", "amount": "1", "currency": "EUR",
                                    "owner_id": "bob"})
        with pytest.raises(RemoteError) as missing:
            rpc.get_opportunity("nope")
        assert rpc.list_opportunities({})["items"] == []
    assert unknown.value.exc_type == currency.value.exc_type == "ValidationFailed"
    assert "wat" in str(unknown.value) and "currency" in str(currency.value)
    assert not_mine.value.exc_type == "NotOwner"
    assert missing.value.exc_type == "NotFound"


def test_a_quote_becomes_an_order(start_service, amqp_uri, events):
    start_service()
    with proxy(amqp_uri) as rpc:
        quote = rpc.create_quote({"currency": "EUR", "contact_id": "con-1", "lines": [
            {"description": "Licences", "quantity": "3", "unit_price": "19.99",
             "discount_percent": "12.5", "tax_rate": "20"}]})
        rpc.send_quote(quote["id"], 1)
        accepted = rpc.accept_quote(quote["id"])
        order = rpc.get_order(accepted["order_id"])
        view = rpc.contact_360("con-1")
    assert (order["total"], order["currency"]) == ("62.96", "EUR")
    assert view["orders"][0]["id"] == order["id"] and view["quotes"][0]["status"] == "accepted"
    published = events(3)
    assert [e["type"] for e in published] == ["quote.sent", "quote.accepted", "order.created"]
    assert published[2]["data"]["order"]["lines"][0]["net_amount"] == "52.47"


def test_a_users_activities_as_a_calendar(start_service, amqp_uri):
    start_service()
    with proxy(amqp_uri) as rpc:
        rpc.create_activity({"type": "meeting", "subject": "Demo, part 1",
                             "start_at": "2026-12-01T10:00:00Z",
                             "end_at": "2026-12-01T11:00:00Z"})
        rpc.create_activity({"type": "call", "subject": "Call back",
                             "due_at": "2026-12-02T09:00:00Z"})
        text = rpc.activity_calendar("ann")
        day = rpc.my_day(None, "2026-12-02")
    calendar = Calendar.from_ical(text)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Demo, part 1"]
    assert [str(t["summary"]) for t in calendar.walk("VTODO")] == ["Call back"]
    assert [item["subject"] for item in day["items"]] == ["Demo, part 1", "Call back"]


def test_merged_contacts_are_repointed_once(start_service, amqp_uri, events):
    declare(SalesService, amqp_uri)
    container = start_service()
    with proxy(amqp_uri) as rpc:
        deal = rpc.create_opportunity({"name": "D", "amount": "10.00", "currency": "EUR",
                                       "contact_id": "old"})
        task = rpc.create_activity({"type": "task", "subject": "Ask Hank",
                                    "contact_id": "old"})
    events(2)
    data = {"surviving_id": "new", "merged_id": "old", "contact": contact("new")}
    envelope = publish_contacts_event(amqp_uri, "contact.merged", data)
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.get_opportunity(deal["id"])["contact_id"] == "new",
                   message="the deal to be re-pointed")
        assert rpc.get_activity(task["id"])["contact_id"] == "new"
        updated = events(1)[0]
        assert updated["type"] == "opportunity.updated"
        assert updated["data"]["changed_fields"] == ["contact_id"]
        # The same event again (a redelivery) changes nothing and emits nothing.
        with Connection(amqp_uri) as connection:
            connection.Producer(serializer="json").publish(
                envelope, exchange=events_exchange("contacts"), routing_key="contact.merged")
        version = rpc.get_opportunity(deal["id"])["version"]
        with pytest.raises(TimeoutError):
            events(1, timeout=2)
        assert rpc.get_opportunity(deal["id"])["version"] == version
    assert container is not None


def test_an_erased_contact_leaves_dated_activities_without_words(start_service, amqp_uri):
    declare(SalesService, amqp_uri)
    start_service()
    with proxy(amqp_uri) as rpc:
        task = rpc.create_activity({"type": "call", "subject": "Call Hank Scorpio",
                                    "notes": "Hank's cell 555-0100", "contact_id": "hank",
                                    "due_at": "2026-12-02T09:00:00Z"})
        other = rpc.create_activity({"type": "task", "subject": "Keep me",
                                     "contact_id": "someone"})
    publish_contacts_event(amqp_uri, "contact.erased", {"contact_id": "hank"})
    with proxy(amqp_uri) as rpc:
        wait_until(lambda: rpc.get_activity(task["id"])["notes"] is None,
                   message="the activity to be anonymised")
        erased = rpc.get_activity(task["id"])
        assert erased["subject"] == "(erased)" and "Hank" not in str(erased)
        assert erased["due_at"] == task["due_at"] and erased["contact_id"] == "hank"
        assert rpc.get_activity(other["id"])["subject"] == "Keep me"


def test_a_follow_up_survives_a_restart_and_happens_once(start_service, amqp_uri, migrated):
    # The first replica schedules the reminder and dies before its timer may act.
    first = start_service(CRM_SALES_FOLLOW_UPS="0", CRM_SALES_QUOTE_FOLLOW_UP_DAYS="0")
    with proxy(amqp_uri) as rpc:
        quote = rpc.create_quote({"currency": "EUR", "lines": [
            {"description": "Work", "quantity": "1", "unit_price": "100"}]})
        rpc.send_quote(quote["id"])
    first.kill()
    # Two replicas come up together on the same database: one reminder between them.
    start_service(CRM_SALES_FOLLOW_UPS="1")
    start_service()

    def reminded() -> list[dict]:
        with proxy(amqp_uri) as rpc:
            return rpc.list_activities({"filters": {"origin": "quote_follow_up"}})["items"]

    wait_until(lambda: len(reminded()) >= 1, timeout=30, message="the follow-up task")
    wait_until(lambda: _follow_up_done(migrated), timeout=10, message="the row marked done")
    items = reminded()
    assert len(items) == 1
    assert items[0]["assignee_id"] == "ann" and items[0]["quote_id"] == quote["id"]


def _follow_up_done(url: str) -> bool:
    from crm_chassis.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(FollowUp.done_at)).scalar_one() is not None
    finally:
        engine.dispose()


def test_the_event_log_serves_the_outbox(start_service, amqp_uri):
    start_service()
    with proxy(amqp_uri) as rpc:
        rpc.create_activity({"type": "email", "subject": "Sent the deck"})
        log = rpc.event_log(0, 10)
    assert [item["type"] for item in log["items"]] == ["activity.created",
                                                       "activity.completed"]


def test_an_upsell_flagged_in_support_becomes_a_lead_for_the_account_owner(
        start_service, amqp_uri, events):
    declare(SalesService, amqp_uri)
    start_service()
    publish_contacts_event(amqp_uri, "ticket.upsell_flagged", {
        "ticket_id": "t-1", "ticket_number": "T-1042", "account_id": "acc-7",
        "contact_id": "hank", "owner_id": "olga", "note": "They want 50 more seats",
        "flagged_by": "agent-3", "flagged_at": NOW}, source="support")

    created = events(1)[0]
    assert created["type"] == "opportunity.created"
    lead = created["data"]["opportunity"]
    assert (lead["owner_id"], lead["account_id"], lead["contact_id"]) == (
        "olga", "acc-7", "hank")
    assert lead["status"] == "open" and lead["amount"] == "0.00"
    assert "T-1042" in lead["name"]
    with proxy(amqp_uri) as rpc:
        stored = rpc.get_opportunity(lead["id"])
    assert stored["stage_name"] == "Qualification"
    assert "50 more seats" in stored["description"]


def test_a_marketing_scenario_puts_a_task_in_the_owners_day(start_service, amqp_uri, events):
    declare(SalesService, amqp_uri)
    start_service()
    publish_contacts_event(amqp_uri, "scenario.task_requested", {
        "scenario_id": "sc-1", "enrolment_id": "e-1", "step": 2, "contact_id": "hank",
        "account_id": "acc-7", "owner_id": "olga", "subject": "Call Hank about the demo",
        "due_at": NOW}, source="marketing")
    created = events(1)[0]
    assert created["type"] == "activity.created"
    task = created["data"]["activity"]
    assert (task["type"], task["assignee_id"], task["contact_id"], task["origin"]) == (
        "task", "olga", "hank", "marketing")


def test_a_lead_qualified_by_marketing_becomes_a_deal_sourced_from_its_campaign(
        start_service, amqp_uri, events):
    declare(SalesService, amqp_uri)
    start_service()
    publish_contacts_event(amqp_uri, "lead.qualified", {
        "contact_id": "hank", "account_id": "acc-7", "owner_id": "olga", "score": 62,
        "threshold": 50, "campaign_id": "cmp-3", "qualified_at": NOW}, source="marketing")

    created = events(1)[0]
    assert created["type"] == "opportunity.created"
    lead = created["data"]["opportunity"]
    assert (lead["owner_id"], lead["account_id"], lead["contact_id"],
            lead["source_campaign_id"]) == ("olga", "acc-7", "hank", "cmp-3")
    assert lead["status"] == "open" and "62 points" in lead["name"]
