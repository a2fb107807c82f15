"""The use cases on a real database (SQLite, or PostgreSQL under CRM_TEST_POSTGRES_URL):
the projection, segment membership, campaigns, sending with its failures, tracking."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from crm_chassis import settings
from crm_chassis.outbox import OutboxEvent
from marketing import handlers
from marketing.domain import links
from marketing.domain.campaigns import SendSettings
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import InvalidTransition, NotFound, ValidationFailed
from marketing.models import ContactView, Recipient, TicketView
from marketing.operations import campaigns, delivery, projection, segments, templates, tracking
from marketing.operations.customer import personal_data
from marketing.schemas import CampaignInput, SegmentInput, TemplateInput, load

T0 = datetime(2026, 11, 1, tzinfo=UTC)
CONFIG = SendSettings(public_url="https://crm.example", rate_per_second=100,
                      lease_seconds=60, max_attempts=3, retry_seconds=0)
LEADS = {"match": "all", "conditions": [{"field": "lifecycle_stage", "op": "eq",
                                         "value": "lead"}]}


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("CRM_SECRET_KEY", "s" * 48)


def events(unit, event_type: str) -> list[dict]:
    unit.session.expire_all()
    return [row.data for row in unit.session.scalars(
        select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.seq))]


def contact(unit, cid: str, version: int = 1, consent: str | None = "granted", **fields):
    handlers.project_contact(unit, {"id": cid, "version": version, "first_name": cid.title(),
                                    "email": f"{cid}@example.com",
                                    "lifecycle_stage": "lead", **fields})
    if consent:
        handlers.record_consent(unit, {"contact_id": cid, "channel": "email",
                                       "status": consent, "recorded_at": T0})
    unit.commit()


def segment(unit, rules=LEADS, **data):
    made = segments.create_segment(unit, load(SegmentInput(), {
        "name": "Leads", "rules": rules, **data}), None)
    unit.commit()
    return made


def template(unit, **data):
    made = templates.create_template(unit, load(TemplateInput(), {
        "name": "Launch", "subject": "Hi {{ contact.first_name }}",
        "text_body": "Hello {{ contact.first_name }}\nLeave: {{ unsubscribe_url }}",
        "html_body": '<p>See <a href="https://example.com/offer">the offer</a></p>', **data}))
    unit.commit()
    return made


def campaign(unit, seg, tpl, **data):
    made = campaigns.create_campaign(unit, load(CampaignInput(), {
        "name": "Launch", "segment_id": seg.id, "template_id": tpl.id, "cost": "100.00",
        "budget": "500.00", **data}))
    unit.commit()
    return made


def test_dynamic_membership_follows_contact_events(unit):
    contact(unit, "ann")
    contact(unit, "bob", lifecycle_stage="customer")
    leads = segment(unit)
    assert segments.member_ids(unit.session, leads.id) == {"ann"}
    contact(unit, "bob", version=2, lifecycle_stage="lead", consent=None)
    contact(unit, "ann", version=2, lifecycle_stage="customer", consent=None)
    contact(unit, "ann", version=1, lifecycle_stage="lead", consent=None)  # stale: ignored
    assert segments.member_ids(unit.session, leads.id) == {"bob"}
    assert [(e["contact_id"]) for e in events(unit, "segment.joined")] == ["ann", "bob"]
    assert [(e["contact_id"]) for e in events(unit, "segment.left")] == ["ann"]
    handlers.forget_contact(unit, "bob")
    unit.commit()
    assert segments.member_count(unit.session, leads.id) == 0


def test_rules_on_accounts_consent_and_custom_fields(unit):
    handlers.project_account(unit, {"id": "acc", "name": "Globex", "tier": "gold",
                                    "custom_fields": {"arr": "1200"}, "version": 1})
    contact(unit, "ann", account_id="acc", custom_fields={"plan": "pro"})
    contact(unit, "bob", consent="withdrawn")
    gold = segment(unit, {"match": "all", "conditions": [
        {"field": "account.tier", "op": "eq", "value": "gold"},
        {"field": "account.custom.arr", "op": "gte", "value": 1000},
        {"field": "custom.plan", "op": "in", "value": ["pro", "max"]}]})
    opted_out = segment(unit, {"match": "all", "conditions": [
        {"field": "consent.email", "op": "neq", "value": "granted"}]})
    assert segments.member_ids(unit.session, gold.id) == {"ann"}
    assert segments.member_ids(unit.session, opted_out.id) == {"bob"}
    handlers.project_account(unit, {"id": "acc", "name": "Globex", "tier": "standard",
                                    "version": 2})
    unit.commit()
    assert segments.member_ids(unit.session, gold.id) == set()


def test_a_rule_on_an_unknown_field_is_refused_naming_it(unit):
    with pytest.raises(ValidationFailed) as refused:
        segments.create_segment(unit, load(SegmentInput(), {"name": "x", "rules": {
            "match": "all", "conditions": [{"field": "custom.shoe", "op": "eq",
                                            "value": "42"}]}}), {"contact": {"plan"}})
    assert refused.value.errors == {"rules.conditions.0.field": ["unknown field 'custom.shoe'"]}


def test_static_lists_take_known_contacts_only(unit):
    contact(unit, "ann")
    vips = segment(unit, rules=None, kind="static", name="VIPs")
    segments.add_members(unit, vips.id, ["ann"])
    unit.commit()
    with pytest.raises(ValidationFailed):
        segments.add_members(unit, vips.id, ["nobody"])
    unit.rollback()
    with pytest.raises(InvalidTransition):
        segments.add_members(unit, segment(unit).id, ["ann"])
    unit.rollback()
    page = segments.members(unit.session, vips.id, {"limit": 10})
    assert [m["contact_id"] for m in page["items"]] == ["ann"]


def test_a_consent_change_that_overtakes_the_contact_is_kept(unit):
    handlers.record_consent(unit, {"contact_id": "zed", "channel": "email",
                                   "status": "granted", "recorded_at": T0})
    unit.commit()
    leads = segment(unit)
    assert segments.member_count(unit.session, leads.id) == 0  # not a contact yet
    contact(unit, "zed", consent=None)
    assert unit.session.get(ContactView, "zed").email_consent == "granted"
    assert segments.member_ids(unit.session, leads.id) == {"zed"}
    handlers.record_consent(unit, {"contact_id": "zed", "channel": "email",
                                   "status": "withdrawn", "recorded_at": T0 - timedelta(1)})
    unit.commit()
    assert unit.session.get(ContactView, "zed").email_consent == "granted"  # older: ignored


def test_a_campaign_goes_only_to_those_who_consented(unit):
    contact(unit, "ann")
    contact(unit, "bob", consent="denied")
    contact(unit, "cid", consent=None)
    started = campaigns.send_now(unit, campaign(unit, segment(unit), template(unit)).id, None)
    unit.commit()
    assert started.status == "sending" and started.skipped_without_consent == 2
    recipients = unit.session.scalars(select(Recipient)).all()
    assert [r.contact_id for r in recipients] == ["ann"]
    assert recipients[0].message_id == f"<{started.id}.{recipients[0].id}@marketing.crm>"
    [event] = events(unit, "campaign.started")
    assert event["recipients"] == 1 and event["campaign"]["cost"] == "100.00"
    with pytest.raises(InvalidTransition):
        campaigns.send_now(unit, started.id, None)


def test_a_campaign_to_a_segment_where_nobody_consented_is_refused(unit):
    contact(unit, "bob", consent="withdrawn")
    draft = campaign(unit, segment(unit), template(unit))
    with pytest.raises(ValidationFailed) as refused:
        campaigns.send_now(unit, draft.id, None)
    assert "segment_id" in refused.value.errors
    unit.rollback()
    assert campaigns.get_campaign(unit.session, draft.id).status == "draft"


def test_cost_over_budget_and_unknown_references_are_refused(unit):
    with pytest.raises(ValidationFailed) as over:
        campaign(unit, segment(unit), template(unit), cost="600.00")
    assert "cost" in over.value.errors
    unit.rollback()
    with pytest.raises(ValidationFailed) as unknown:
        campaigns.create_campaign(unit, load(CampaignInput(), {
            "name": "x", "segment_id": "nope", "template_id": "nope"}))
    assert set(unknown.value.errors) == {"segment_id", "template_id"}


def sent_with(unit, send, config=CONFIG):
    outcomes = []
    for rid, token in delivery.claim_due(unit.session, config):
        outcomes.append(delivery.perform(unit, rid, token, config, send))
    delivery.complete_finished(unit)
    return outcomes


def started_campaign(unit, *names):
    for name in names:
        contact(unit, name)
    made = campaigns.send_now(unit, campaign(unit, segment(unit), template(unit)).id, None)
    unit.commit()
    return made


def test_mails_are_sent_once_and_the_campaign_completes(unit):
    made = started_campaign(unit, "ann", "bob")
    outbox = []
    assert sent_with(unit, outbox.append) == ["sent", "sent"]
    assert sent_with(unit, outbox.append) == []  # nothing left to claim
    assert sorted(mail.to for mail in outbox) == ["ann@example.com", "bob@example.com"]
    mail = outbox[0]
    assert mail.subject.startswith("Hi ") and "/api/v1/unsubscribe/u." in mail.text_body
    assert "/api/v1/t/c/c." in mail.html_body and "/api/v1/t/o/o." in mail.html_body
    assert campaigns.get_campaign(unit.session, made.id).status == "sent"
    assert len(events(unit, "email.sent")) == 2
    [completed] = events(unit, "campaign.completed")
    assert completed["sent"] == 2 and completed["failed"] == 0


def test_a_tick_knows_when_there_is_nothing_to_do(unit):
    assert not delivery.anything_to_do(unit.session)
    contact(unit, "ann")
    draft = campaign(unit, segment(unit), template(unit))
    unit.commit()
    assert not delivery.anything_to_do(unit.session)  # a draft waits for no one
    campaigns.schedule(unit, draft.id, datetime.now(UTC) + timedelta(minutes=5), None)
    unit.commit()
    assert not delivery.anything_to_do(unit.session)  # scheduled, not yet due
    assert delivery.anything_to_do(unit.session, datetime.now(UTC) + timedelta(minutes=6))
    campaigns.send_now(unit, draft.id, None)
    unit.commit()
    assert delivery.anything_to_do(unit.session)  # a mail to claim
    assert sent_with(unit, lambda mail: None) == ["sent"]
    assert not delivery.anything_to_do(unit.session)  # sent, and the campaign completed


def test_a_refusing_server_is_retried_then_given_up(unit):
    started_campaign(unit, "ann")

    def refuse(_mail):
        raise smtplib.SMTPRecipientsRefused({"ann@example.com": (550, b"no")})

    assert sent_with(unit, refuse) == ["retry"]
    assert sent_with(unit, refuse) == ["retry"]
    assert sent_with(unit, refuse) == ["failed"]
    [row] = unit.session.scalars(select(Recipient)).all()
    unit.session.refresh(row)
    assert row.status == "failed" and row.attempts == 3 and "Refused" in row.error
    assert len(events(unit, "email.failed")) == 1 and not events(unit, "email.sent")
    assert len(events(unit, "campaign.completed")) == 1


def test_a_sender_that_died_leaves_its_mail_to_the_next_after_the_lease(unit_for):
    first, second = unit_for(), unit_for()
    started_campaign(first, "ann")
    [(rid, token)] = delivery.claim_due(first.session, CONFIG)  # then "crashes"
    assert delivery.claim_due(second.session, CONFIG) == []  # leased: nobody else takes it
    later = datetime.now(UTC) + timedelta(seconds=CONFIG.lease_seconds + 1)
    [(again, token2)] = delivery.claim_due(second.session, CONFIG, moment=later)
    sent = []
    assert again == rid and delivery.perform(second, again, token2, CONFIG, sent.append) == \
        "sent"
    # The first sender wakes up: its claim is gone, it sends nothing and writes nothing.
    assert delivery.perform(first, rid, token, CONFIG, sent.append) is None
    assert len(sent) == 1 and len(events(second, "email.sent")) == 1


def test_consent_withdrawn_after_the_start_stops_the_mail(unit):
    started_campaign(unit, "ann")
    handlers.record_consent(unit, {"contact_id": "ann", "channel": "email",
                                   "status": "withdrawn", "recorded_at": T0 + timedelta(1)})
    unit.commit()
    sent = []
    assert sent_with(unit, sent.append) == ["no_consent"] and sent == []


def test_cancelling_drops_what_is_not_sent(unit):
    made = started_campaign(unit, "ann", "bob")
    cancelled = campaigns.cancel(unit, made.id, None)
    unit.commit()
    assert cancelled.status == "cancelled"
    assert sent_with(unit, lambda mail: None) == []
    assert events(unit, "campaign.cancelled")[0]["not_sent"] == 2


def test_scheduled_campaigns_start_when_due(unit):
    contact(unit, "ann")
    draft = campaign(unit, segment(unit), template(unit))
    with pytest.raises(ValidationFailed):
        campaigns.schedule(unit, draft.id, datetime.now(UTC) - timedelta(1), None)
    unit.rollback()
    campaigns.schedule(unit, draft.id, datetime.now(UTC) + timedelta(seconds=1), None)
    unit.commit()
    assert delivery.start_scheduled(unit) == 0
    unit.session.execute(update(campaigns.Campaign).values(
        scheduled_at=datetime.now(UTC) - timedelta(seconds=1)))
    unit.commit()
    assert delivery.start_scheduled(unit) == 1
    assert campaigns.get_campaign(unit.session, draft.id).status == "sending"
    assert delivery.start_scheduled(unit) == 0


def tokens(unit, rid):
    key = settings.secret_key()
    return {kind: links.make(key, kind, rid) for kind in (links.OPEN, links.UNSUBSCRIBE)} | {
        links.CLICK: links.make(key, links.CLICK, rid, "https://example.com/offer")}


def test_opens_clicks_and_behaviour_segments(unit):
    made = started_campaign(unit, "ann", "bob")
    sent_with(unit, lambda mail: None)
    clickers = segment(unit, {"match": "all", "conditions": [
        {"field": "behaviour.clicked", "op": "eq", "value": True}]}, name="Clickers")
    ann = unit.session.scalar(select(Recipient).where(Recipient.contact_id == "ann"))
    key, issued = settings.secret_key(), tokens(unit, ann.id)
    tracking.opened(unit, key, issued[links.OPEN])
    tracking.opened(unit, key, issued[links.OPEN])
    assert tracking.clicked(unit, key, issued[links.CLICK]) == "https://example.com/offer"
    unit.commit()
    assert [e["first"] for e in events(unit, "email.opened")] == [True, False]
    assert len(events(unit, "email.clicked")) == 1
    assert segments.member_ids(unit.session, clickers.id) == {"ann"}
    numbers = campaigns.metrics(unit.session, made)
    assert numbers["opened"] == 1 and numbers["opens"] == 2 and numbers["clicked"] == 1
    assert numbers["open_rate"] == "0.5000" and numbers["cost_per_mail"] == "50.00"
    with pytest.raises(ValidationFailed):
        tracking.clicked(unit, key, issued[links.OPEN])  # an open token is no click token


def test_unsubscribing_records_consent_once_and_refuses_forgeries(unit):
    started_campaign(unit, "ann")
    sent_with(unit, lambda mail: None)
    rid = unit.session.scalar(select(Recipient.id))
    key, token = settings.secret_key(), tokens(unit, rid)[links.UNSUBSCRIBE]
    recorded = []

    def record(contact_id, data):
        recorded.append((contact_id, data["status"]))

    info = tracking.unsubscribe_info(unit.session, key, token)
    assert info["email_hint"] == "a***@example.com" and not info["unsubscribed"]
    assert tracking.unsubscribe(unit, key, token, "one_click", record)["already"] is False
    unit.commit()
    assert tracking.unsubscribe(unit, key, token, "link", record)["already"] is True
    assert recorded == [("ann", "withdrawn")]
    assert unit.session.get(ContactView, "ann").email_consent == "withdrawn"
    assert [e["method"] for e in events(unit, "email.unsubscribed")] == ["one_click"]
    with pytest.raises(ValidationFailed):
        tracking.unsubscribe(unit, key, token[:-1] + ("1" if token[-1] == "0" else "0"),
                             "link", record)
    with pytest.raises(ValidationFailed):
        tracking.unsubscribe(unit, "another key" * 5, token, "link", record)


def test_bounces_are_recorded_once_by_message_id(unit):
    started_campaign(unit, "ann")
    sent_with(unit, lambda mail: None)
    message_id = unit.session.scalar(select(Recipient.message_id))
    first = tracking.bounced(unit, {"message_id": message_id.strip("<>"), "kind": "hard"})
    again = tracking.bounced(unit, {"message_id": message_id, "kind": "hard"})
    unit.commit()
    assert not first["duplicate"] and again["duplicate"]
    assert len(events(unit, "email.bounced")) == 1
    with pytest.raises(NotFound):
        tracking.bounced(unit, {"message_id": "<nope@x>", "kind": "soft"})


def test_merge_and_erasure(unit):
    started_campaign(unit, "ann", "bob")
    vips = segment(unit, rules=None, kind="static", name="VIPs")
    segments.add_members(unit, vips.id, ["bob"])
    handlers.project_ticket(unit, {"id": "t1", "contact_id": "bob", "status": "open",
                                   "version": 1})
    unit.commit()
    handlers.repoint_merged_contact(unit, {"merged_id": "bob", "surviving_id": "ann",
                                           "contact": {"id": "ann", "version": 3,
                                                       "email": "ann@example.com",
                                                       "lifecycle_stage": "lead"}})
    unit.commit()
    assert segments.member_ids(unit.session, vips.id) == {"ann"}
    assert unit.session.get(TicketView, "t1").contact_id == "ann"  # bob's open ticket
    assert unit.session.get(ContactView, "bob") is None
    handlers.erase_contact(unit, {"contact_id": "ann"})
    unit.commit()
    assert segments.member_ids(unit.session, vips.id) == set()
    assert all(r.email is None for r in unit.session.scalars(
        select(Recipient).where(Recipient.contact_id == "ann")))


def test_a_late_event_never_brings_a_retired_contact_back(unit):
    # Each kind of event has its own queue: an update or a consent may come after the end.
    contact(unit, "ann")
    contact(unit, "bob")
    handlers.CONTACTS_EVENTS["contact.deleted"](unit, {"contact_id": "ann"})
    handlers.erase_contact(unit, {"contact_id": "bob", "merged_ids": []})
    unit.commit()
    for late in ("ann", "bob"):
        contact(unit, late, version=5)
    unit.commit()
    assert unit.session.get(ContactView, "ann") is None
    assert unit.session.get(ContactView, "bob") is None


def test_an_erasure_before_the_merge_erases_what_the_merge_moves(unit):
    started_campaign(unit, "bob")  # bob's record is merged into ann's, then ann is erased
    contact(unit, "ann")
    handlers.erase_contact(unit, {"contact_id": "ann", "merged_ids": ["bob"]})
    unit.commit()
    handlers.repoint_merged_contact(unit, {"merged_id": "bob", "surviving_id": "ann",
                                           "contact": {"id": "ann", "version": 3,
                                                       "email": "ann@example.com"}})
    unit.commit()
    assert unit.session.get(ContactView, "ann") is None
    assert [(r.contact_id, r.email) for r in unit.session.scalars(select(Recipient))] == [
        ("ann", None)]


def test_a_persons_data_holds_their_copy_mails_and_memberships(unit):
    started_campaign(unit, "ann", "bob")
    data = personal_data(unit.session, "ann", ScoreSettings())
    assert data["contact"]["email"] == "ann@example.com"
    assert [mail["email"] for mail in data["mails"]] == ["ann@example.com"]
    assert len(data["segments"]) == 1 and data["lead_score"]["contact_id"] == "ann"
    assert personal_data(unit.session, "nobody", ScoreSettings())["contact"] is None


def test_templates_are_checked_and_previewed(unit):
    contact(unit, "ann")
    with pytest.raises(ValidationFailed) as refused:
        templates.create_template(unit, load(TemplateInput(), {
            "name": "x", "subject": "Hi", "text_body": "a\n{{ contact.shoe }}"}))
    assert refused.value.errors["text_body"][0].startswith("line 2:")
    made = template(unit)
    shown = templates.preview(unit.session, made, "ann", "https://crm.example")
    assert shown["subject"] == "Hi Ann" and "unsubscribe/preview" in shown["text_body"]
    assert templates.preview(unit.session, made, None, "x")["subject"] == "Hi Ada"
    with pytest.raises(NotFound):
        templates.preview(unit.session, made, "nobody", "x")


def test_the_projection_is_rebuilt_from_the_contacts_event_log(unit):
    leads = segment(unit)
    log = [
        {"seq": 1, "type": "contact.created", "version": 1, "data": {"contact": {
            "id": "ann", "email": "ann@example.com", "lifecycle_stage": "lead",
            "version": 1, "created_at": T0.isoformat(), "updated_at": T0.isoformat()}}},
        {"seq": 2, "type": "consent.changed", "version": 1, "data": {
            "contact_id": "ann", "channel": "email", "status": "granted",
            "recorded_at": T0.isoformat()}},
        {"seq": 3, "type": "ticket.created", "version": 1, "data": {}},  # not ours
    ]
    pages = {0: {"items": log[:2], "next_cursor": 2}, 2: {"items": log[2:],
                                                          "next_cursor": None}}
    result = projection.rebuild(unit, pages.__getitem__)
    assert result == {"applied": 3, "cursor": 3}
    assert unit.session.get(ContactView, "ann").email_consent == "granted"
    assert segments.member_ids(unit.session, leads.id) == {"ann"}
    assert projection.status(unit.session)["cursor"] == 3
