"""The use cases on a real database (SQLite, or PostgreSQL under CRM_TEST_POSTGRES_URL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm_chassis.outbox import OutboxEvent
from support import handlers
from support.exceptions import (
    Conflict,
    Gone,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)
from support.models import AccountView, ContactView, Ticket
from support.operations import calendars, csat, customer, inbound, kb, sla_checks, teams, tickets
from support.schemas import ArticleInput, CalendarInput, RuleInput, TeamInput, TicketInput, load

LATER = datetime.now(UTC) + timedelta(days=30)
CONFIG = sla_checks.CheckSettings(lease_seconds=60)


def new_ticket(unit, **data):
    ticket = tickets.create_ticket(unit, load(TicketInput(), {"subject": "Printer on fire",
                                                              **data}))
    unit.commit()
    return ticket


def events(unit, event_type: str) -> list[dict]:
    unit.session.expire_all()
    return [row.data for row in unit.session.scalars(
        select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.seq))]


def test_tickets_get_readable_numbers_and_sla_due_times(unit):
    first, second = new_ticket(unit), new_ticket(unit, priority="urgent")
    assert second.number == first.number + 1 and first.number > 1000
    data = tickets.ticket_data(unit.session, first)
    assert data["number"] == f"T-{first.number}" and data["status"] == "new"
    assert data["sla"]["first_response"]["target_minutes"] == 240
    assert data["sla"]["first_response"]["due_at"] and data["sla"]["resolution"]["due_at"]
    assert tickets.get_ticket(unit.session, data["number"]).id == first.id
    [created] = events(unit, "ticket.created")[:1]
    assert created["ticket"]["channel"] == "api" and "subject" not in created["ticket"]


def test_vip_accounts_get_the_vip_policy(unit):
    handlers.project_account(unit, {"id": "acc-vip", "name": "Globex", "tier": "vip",
                                    "owner_id": "rep-1", "version": 1})
    handlers.project_contact(unit, {"id": "c-vip", "account_id": "acc-vip",
                                    "email": "Hank@Globex.test", "first_name": "Hank",
                                    "version": 1})
    unit.commit()
    ticket = new_ticket(unit, contact_id="c-vip", priority="urgent")
    assert ticket.vip and ticket.account_id == "acc-vip"
    assert ticket.first_response_minutes == 30


def test_transitions_follow_the_table(unit):
    ticket = new_ticket(unit)
    tickets.change_status(unit, ticket, "solved")
    tickets.change_status(unit, ticket, "closed")
    unit.commit()
    with pytest.raises(InvalidTransition):
        tickets.change_status(unit, ticket, "open")
    changes = events(unit, "ticket.status_changed")
    assert [(e["from_status"], e["to_status"]) for e in changes] == [("new", "solved"),
                                                                     ("solved", "closed")]
    [solved] = events(unit, "ticket.solved")
    assert solved["resolution_met"] is True


def test_pending_pauses_the_clock_and_a_customer_reply_resumes_it(unit):
    ticket = new_ticket(unit)
    tickets.change_status(unit, ticket, "pending")
    unit.commit()
    assert ticket.paused_since is not None and ticket.resolution_due_at is None
    assert tickets.sla_state(unit.session, ticket)["resolution"]["status"] == "paused"
    tickets.add_message(unit, ticket, "Here is the log", author_type="customer",
                        author_id=ticket.contact_id)
    unit.commit()
    assert ticket.status == "open" and ticket.paused_since is None
    assert ticket.resolution_due_at is not None


def test_the_first_public_agent_reply_stops_the_first_response_clock(unit):
    ticket = new_ticket(unit)
    tickets.add_message(unit, ticket, "internal: looks like the fuser", public=False,
                        author_id="ann")
    assert ticket.first_responded_at is None
    message = tickets.add_message(unit, ticket, "We are on it", author_id="ann")
    unit.commit()
    assert ticket.first_responded_at is not None and ticket.status == "open"
    assert message.email_message_id.endswith("@support.crm")
    state = tickets.sla_state(unit.session, ticket)["first_response"]
    assert state["status"] == "met" and state["due_at"] is None


def test_rules_pick_a_team_and_round_robin_or_least_loaded_picks_an_agent(unit):
    vip_team = teams.create_team(unit, load(TeamInput(), {
        "name": "VIP desk", "members": ["amy", "bob"], "strategy": "round_robin",
        "manager_id": "boss"}))
    billing = teams.create_team(unit, load(TeamInput(), {
        "name": "Billing", "members": ["cat", "dan"], "strategy": "least_loaded"}))
    teams.create_rule(unit, load(RuleInput(), {"name": "invoices", "team_id": billing.id,
                                               "conditions": {"keywords": ["invoice"]}}))
    teams.create_rule(unit, load(RuleInput(), {"name": "urgent", "team_id": vip_team.id,
                                               "conditions": {"priorities": ["urgent"]}}))
    unit.commit()
    a = new_ticket(unit, priority="urgent")
    b = new_ticket(unit, priority="urgent")
    assert (a.team_id, a.assignee_id) == (vip_team.id, "amy")
    assert (b.team_id, b.assignee_id) == (vip_team.id, "bob")
    c = new_ticket(unit, subject="Wrong invoice", priority="urgent")
    d = new_ticket(unit, subject="Another invoice")
    assert c.team_id == billing.id and {c.assignee_id, d.assignee_id} == {"cat", "dan"}
    other = new_ticket(unit, subject="Hello")
    assert other.team_id == teams.default_team(unit.session).id
    [first] = events(unit, "ticket.assigned")[:1]
    assert first["team_id"] == vip_team.id and first["rule_id"]


def test_inbound_email_creates_then_threads_and_dedups(unit):
    raw = ("From: Hank Scorpio <Hank@globex.test>\r\nTo: help@crm.test\r\n"
           "Subject: Laser is broken\r\nMessage-ID: <m1@globex.test>\r\n\r\nIt is broken.\r\n")
    contact = {"id": "c-hank", "account_id": None}
    first = inbound.receive(unit, inbound.parse(raw), contact)
    unit.commit()
    ticket = first["ticket"]
    assert first["created"] and ticket.channel == "email" and ticket.contact_id == "c-hank"
    again = inbound.receive(unit, inbound.parse(raw), contact)
    assert again["duplicate"] and again["ticket"].id == ticket.id
    agent = tickets.add_message(unit, ticket, "Try turning it off", author_id="ann")
    tickets.change_status(unit, ticket, "pending")
    unit.commit()
    reply = (f"From: hank@globex.test\r\nSubject: Re: Laser is broken\r\n"
             f"Message-ID: <m2@globex.test>\r\nIn-Reply-To: <{agent.email_message_id}>\r\n"
             "\r\nStill broken.\r\n")
    threaded = inbound.receive(unit, inbound.parse(reply), contact)
    unit.commit()
    assert not threaded["created"] and threaded["ticket"].id == ticket.id
    assert ticket.status == "open"
    tagged = (f"From: hank@globex.test\r\nSubject: More [T-{ticket.number}]\r\n"
              "Message-ID: <m3@g.test>\r\n\r\nAnd smoke.\r\n")
    assert inbound.receive(unit, inbound.parse(tagged), contact)["ticket"].id == ticket.id
    stranger = inbound.receive(unit, inbound.parse(tagged.replace("m3@", "m4@")),
                               {"id": "c-other"})
    assert stranger["created"]  # a copied tag does not reach someone else's ticket
    with pytest.raises(ValidationFailed) as refused:
        inbound.parse("Subject: no sender\r\n\r\nhello")
    assert "raw" in refused.value.errors


def test_knowledge_base_search_and_suggestions(unit):
    def article(title, body, status="published"):
        return kb.create_article(unit, load(ArticleInput(), {"title": title, "body": body,
                                                             "status": status}))
    reset = article("Reset your password", "Open settings and choose reset password.")
    printer = article("Printer troubleshooting", "If the printer jams, open the tray.")
    article("Password policy draft", "Passwords rotate yearly.", status="draft")
    unit.commit()
    found = kb.search_articles(unit.session, "reset password")
    assert [a.id for a, _ in found] == [reset.id]
    drafts = kb.search_articles(unit.session, "password", published_only=False)
    assert len(drafts) == 2
    ticket = new_ticket(unit, subject="My printer jams", description="paper stuck in tray")
    suggested = kb.search_articles(unit.session, f"{ticket.subject} {ticket.description}",
                                   any_word=True)
    assert suggested[0][0].id == printer.id and suggested[0][1] > 0
    assert kb.search_articles(unit.session, "the of and") == []


def test_a_solved_ticket_gets_one_signed_survey(unit, monkeypatch):
    monkeypatch.setenv("CRM_SECRET_KEY", "k" * 40)
    ticket = new_ticket(unit, contact_id="c-1")
    tickets.change_status(unit, ticket, "solved")
    unit.commit()
    token = csat.survey_token(unit.session, ticket.id)
    assert csat.get_survey(unit.session, token)["submitted"] is False
    answer = csat.submit(unit, token, {"rating": 5, "comment": "Quick!"})
    unit.commit()
    assert answer["rating"] == 5
    with pytest.raises(Conflict):
        csat.submit(unit, token, {"rating": 1})
    with pytest.raises(ValidationFailed):
        # forged: its last character changed (to one it is not: "00" was, once in 256)
        csat.get_survey(unit.session, token[:-1] + ("1" if token[-1] == "0" else "0"))
    monkeypatch.setenv("CRM_SUPPORT_SURVEY_DAYS", "0")
    other = new_ticket(unit)
    tickets.change_status(unit, other, "solved")
    unit.commit()
    with pytest.raises(Gone):
        csat.get_survey(unit.session, csat.survey_token(unit.session, other.id))
    [submitted] = events(unit, "csat.submitted")
    assert submitted["rating"] == 5 and "comment" not in submitted
    view = customer.customer_view(unit.session, "contact_id", "c-1")
    assert view["csat"][0]["rating"] == 5 and view["tickets"]["recent"][0]["id"] == ticket.id


def test_the_portal_sees_only_its_own_tickets(unit):
    mine = new_ticket(unit, contact_id="c-me")
    tickets.add_message(unit, mine, "secret internal note", public=False, author_id="ann")
    theirs = new_ticket(unit, contact_id="c-them")
    unit.commit()
    seen = customer.portal_data(unit.session, customer.own_ticket(
        unit.session, "c-me", mine.id), messages=True)
    assert seen["messages"] == [] and "assignee_id" not in seen
    for ref in (theirs.id, f"T-{theirs.number}", "no-such-ticket"):
        with pytest.raises(NotFound) as hidden:
            customer.own_ticket(unit.session, "c-me", ref)
        assert str(ref) in str(hidden.value)


def test_breaches_are_reported_once_per_target_even_with_two_replicas(unit_for):
    creator = unit_for()
    team = teams.create_team(creator, load(TeamInput(), {"name": "Night", "members": ["amy"],
                                                         "manager_id": "boss"}))
    creator.commit()
    ticket = new_ticket(creator, team_id=team.id, priority="high")
    first, second = unit_for(), unit_for()
    won = sla_checks.claim_due(first.session, CONFIG, LATER)
    assert len(won) == 1 and sla_checks.claim_due(second.session, CONFIG, LATER) == []
    assert sla_checks.perform(first, *won[0], LATER) == ["first_response", "resolution"]
    assert sla_checks.claim_due(second.session, CONFIG, LATER + timedelta(days=1)) == []
    breaches = events(second, "ticket.sla_breached")
    assert [b["target"] for b in breaches] == ["first_response", "resolution"]
    assert breaches[0]["manager_id"] == "boss" and breaches[0]["priority_raised_to"] == "urgent"
    second.session.expire_all()
    again = second.session.get(Ticket, ticket.id)
    assert again.priority == "urgent" and again.escalated


def test_a_paused_ticket_does_not_breach(unit):
    ticket = new_ticket(unit)
    tickets.change_status(unit, ticket, "pending")
    unit.commit()
    assert sla_checks.claim_due(unit.session, CONFIG, LATER) == []


def test_merge_repoints_and_erasure_scrubs_words_but_keeps_rows(unit):
    ticket = new_ticket(unit, contact_id="c-old", description="Hank's home address")
    tickets.add_message(unit, ticket, "Hi Hank", author_id="ann")
    unit.commit()
    handlers.repoint_merged_contact(unit, {"merged_id": "c-old", "surviving_id": "c-new"})
    unit.commit()
    assert ticket.contact_id == "c-new"
    handlers.anonymise_erased_contact(unit, {"contact_id": "c-new"})
    unit.commit()
    unit.session.expire_all()
    ticket = unit.session.get(Ticket, ticket.id)
    assert ticket.subject == "(erased)" and ticket.description is None
    assert ticket.messages[0].body == "(erased)" and ticket.status == "open"


def test_an_erasure_taken_in_before_the_merge_still_scrubs_what_the_merge_moves(unit):
    # contact.merged and contact.erased come through separate queues, in either order.
    old = new_ticket(unit, contact_id="c-old", description="Hank's home address")
    unit.commit()
    handlers.project_contacts(unit, [{"id": "c-new", "first_name": "Hank", "version": 1}])
    handlers.anonymise_erased_contact(unit, {"contact_id": "c-new", "merged_ids": []})
    unit.commit()
    hank = {"id": "c-new", "first_name": "Hank", "last_name": "Scorpio", "version": 2}
    handlers.repoint_merged_contact(unit, {"merged_id": "c-old", "surviving_id": "c-new",
                                           "contact": hank})
    handlers.project_contacts(unit, [{**hank, "version": 3}])  # a late contact.updated
    unit.commit()
    unit.session.expire_all()
    ticket = unit.session.get(Ticket, old.id)
    assert (ticket.contact_id, ticket.subject, ticket.description) == (
        "c-new", "(erased)", None)
    assert unit.session.get(ContactView, "c-new") is None  # never projected again


def test_an_erasure_scrubs_the_contacts_merged_into_the_person(unit):
    # merged into "c-new", its contact.merged not yet taken in here
    old = new_ticket(unit, contact_id="c-old", description="Hank's home address")
    other = new_ticket(unit, contact_id="someone", description="Keep me")
    unit.commit()
    handlers.anonymise_erased_contact(unit, {"contact_id": "c-new", "merged_ids": ["c-old"]})
    unit.commit()
    unit.session.expire_all()
    assert unit.session.get(Ticket, old.id).description is None
    assert unit.session.get(Ticket, other.id).description == "Keep me"


def test_a_persons_data_holds_their_tickets_with_every_message(unit):
    handlers.project_contacts(unit, [{"id": "c-ann", "first_name": "Ann", "version": 1,
                                      "email": "ann@example.com"}])
    ticket = new_ticket(unit, contact_id="c-ann", description="Printer on fire")
    tickets.add_message(unit, ticket, "Ann sounded upset", public=False, author_id="agent")
    new_ticket(unit, contact_id="c-bob")
    unit.commit()
    data = customer.personal_data(unit.session, "c-ann")
    assert data["contact"] == {"name": "Ann", "email": "ann@example.com"}
    [held] = data["tickets"]
    assert held["id"] == ticket.id and "Ann sounded upset" in str(held["messages"])
    assert data["surveys"] == []


def test_the_projection_ignores_older_versions(unit):
    handlers.project_account(unit, {"id": "a", "name": "A", "tier": "vip", "version": 3})
    handlers.project_account(unit, {"id": "a", "name": "A", "tier": "standard", "version": 2})
    unit.commit()
    assert unit.session.get(AccountView, "a").tier == "vip"


def test_the_longest_names_the_contacts_service_takes_are_projected(unit):
    # 100 characters each there: with the space between them, one more than 200.
    handlers.project_contacts(unit, [{"id": "long", "first_name": "F" * 100,
                                      "last_name": "L" * 100, "version": 1}])
    unit.commit()
    assert unit.session.get(ContactView, "long").name == "F" * 100 + " " + "L" * 100


def test_upsell_flags_name_the_account_owner(unit):
    handlers.project_account(unit, {"id": "acc", "name": "Initech", "tier": "gold",
                                    "owner_id": "rep-7", "version": 1})
    unit.commit()
    ticket = new_ticket(unit, account_id="acc")
    tickets.flag_upsell(unit, ticket, "wants 20 more seats")
    unit.commit()
    tickets.flag_upsell(unit, ticket, "a colleague's click, a moment later")
    unit.commit()
    [flag] = events(unit, "ticket.upsell_flagged")  # one flag, one lead
    assert flag["owner_id"] == "rep-7" and flag["account_id"] == "acc"


def test_a_new_priority_brings_its_policys_targets(unit):
    ticket = new_ticket(unit)
    assert ticket.first_response_minutes == 240
    tickets.update_ticket(unit, ticket.id, {"priority": "urgent"}, None)
    unit.commit()
    assert ticket.first_response_minutes == 60 and ticket.first_response_due_at is not None


def test_one_write_is_one_version_and_a_concurrent_write_is_stale(unit_for):
    unit = unit_for()
    ticket = new_ticket(unit)
    assert ticket.version == 1
    tickets.add_message(unit, ticket, "On it", author_id="ann")  # a reply that opens it
    unit.commit()
    assert ticket.version == 2 and ticket.status == "open"
    other = unit_for()
    stale = other.session.get(Ticket, ticket.id)
    tickets.change_status(unit, ticket, "pending")
    unit.commit()
    stale.subject = "meanwhile"
    with pytest.raises(StaleVersion):
        other.commit()


def test_the_calendar_can_move_to_another_zone_with_holidays(unit):
    calendar = calendars.default_calendar(unit.session)
    for bad in ({"timezone": "Mars/Base"}, {"hours": {"mon": [["18:00", "09:00"]]}},
                {"holidays": ["someday"]}):
        with pytest.raises(ValidationFailed) as refused:
            load(CalendarInput(), bad, partial=True)
        assert set(bad) <= set(refused.value.errors)
    changed = calendars.update_calendar(unit, calendar.id, load(CalendarInput(), {
        "timezone": "Europe/Paris", "holidays": ["2026-12-25", "2026-12-25"]}, partial=True),
        calendar.version)
    unit.commit()
    assert changed.timezone == "Europe/Paris" and changed.holidays == ["2026-12-25"]
    rules = calendars.calendar_rules(unit.session, calendar.id)
    assert rules.timezone == "Europe/Paris" and len(rules.holidays) == 1
