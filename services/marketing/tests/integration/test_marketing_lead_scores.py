"""Lead scoring on a real database: field and event rules, decay, the hand-off to sales."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from crm_chassis import settings
from crm_chassis.outbox import OutboxEvent
from marketing import handlers
from marketing.domain import links
from marketing.domain.campaigns import SendSettings
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import ValidationFailed
from marketing.models import Recipient
from marketing.operations import (
    campaigns,
    customer,
    delivery,
    scoring,
    segments,
    templates,
    tracking,
)
from marketing.schemas import (
    CampaignInput,
    ScoringRuleInput,
    SegmentInput,
    TemplateInput,
    load,
)

T0 = datetime(2026, 11, 1, tzinfo=UTC)
CONFIG = ScoreSettings(threshold=50, half_life_days=30)


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv("CRM_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("CRM_MARKETING_LEAD_THRESHOLD", "50")


def events(unit, event_type: str) -> list[dict]:
    unit.session.expire_all()
    return [row.data for row in unit.session.scalars(
        select(OutboxEvent).where(OutboxEvent.type == event_type).order_by(OutboxEvent.seq))]


def contact(unit, cid: str, version: int = 1, **fields):
    handlers.project_contact(unit, {"id": cid, "version": version, "email": f"{cid}@x.test",
                                    "lifecycle_stage": "lead", **fields})
    handlers.record_consent(unit, {"contact_id": cid, "channel": "email",
                                   "status": "granted", "recorded_at": T0})
    unit.commit()


def rule(unit, **data):
    made = scoring.create_rule(unit, load(ScoringRuleInput(), data), None, CONFIG)
    unit.commit()
    return made


def score_of(unit, cid):
    unit.session.expire_all()
    return scoring.lead_score(unit.session, cid, CONFIG)["score"]


def test_field_rules_score_who_a_contact_is(unit):
    contact(unit, "ann", title="CTO")
    contact(unit, "bob", title="Intern")
    rule(unit, name="Decision maker", kind="field", points=30, rules={
        "match": "any", "conditions": [{"field": "title", "op": "in",
                                        "value": ["CTO", "CEO"]}]})
    assert (score_of(unit, "ann"), score_of(unit, "bob")) == (30, 0)
    contact(unit, "bob", version=2, title="CEO")
    assert score_of(unit, "bob") == 30
    changed = events(unit, "lead.score_changed")
    assert [(e["contact_id"], e["previous"], e["score"]) for e in changed] == [
        ("ann", 0, 30), ("bob", 0, 30)]


def test_a_batch_of_contact_events_ends_as_they_do_one_by_one(unit_for):
    """What the batched consumers do (handlers.project_contacts, read for the whole batch)
    leaves the same projection, memberships, scores and events as one event at a time."""
    stream = [{"id": "ann", "version": 1, "title": "CTO", "lifecycle_stage": "lead"},
              {"id": "bob", "version": 1, "title": "Intern", "lifecycle_stage": "lead"},
              {"id": "cat", "version": 1, "title": "CEO", "lifecycle_stage": "customer"},
              {"id": "bob", "version": 2, "title": "CEO", "lifecycle_stage": "lead"},
              {"id": "ann", "version": 3, "title": "Intern", "lifecycle_stage": "customer"},
              {"id": "ann", "version": 2, "title": "CTO", "lifecycle_stage": "lead"}]  # stale

    def outcome(batched: bool):
        # Both runs share the database: each has its own contacts, rule and segment.
        run = "b-" if batched else "s-"
        mine = [{**one, "id": run + one["id"]} for one in stream]
        unit = unit_for()
        made = rule(unit, name=f"Decision maker {run}", kind="field", points=60, rules={
            "match": "all", "conditions": [
                {"field": "title", "op": "in", "value": ["CTO", "CEO"]},
                {"field": "email", "op": "contains", "value": run}]})
        leads = segments.create_segment(unit, load(SegmentInput(), {"name": run, "rules": {
            "match": "all", "conditions": [
                {"field": "lifecycle_stage", "op": "eq", "value": "lead"},
                {"field": "email", "op": "contains", "value": run}]}}), None)
        for one in mine:
            one["email"] = f"{one['id']}@x.test"
        if batched:
            handlers.project_contacts(unit, mine[:3])
            handlers.project_contacts(unit, mine[3:])
        else:
            for one in mine:
                handlers.project_contact(unit, one)
        unit.commit()
        plain = len(run)
        seen = ({cid: score_of(unit, run + cid) for cid in ("ann", "bob", "cat")},
                {cid[plain:] for cid in segments.member_ids(unit.session, leads.id)},
                sorted((e["contact_id"][plain:], e["previous"], e["score"])
                       for e in events(unit, "lead.score_changed")
                       if e["contact_id"].startswith(run)),
                sorted(e["contact_id"][plain:] for e in events(unit, "lead.qualified")
                       if e["contact_id"].startswith(run)),
                sorted((e["contact_id"][plain:], kind) for kind in ("segment.joined",
                                                                    "segment.left")
                       for e in events(unit, kind) if e["contact_id"].startswith(run)))
        scoring.delete_rule(unit, made.id, None, CONFIG)  # the other run is not scored by it
        unit.commit()
        return seen

    one_by_one = outcome(batched=False)
    assert one_by_one[:2] == ({"ann": 0, "bob": 60, "cat": 60}, {"bob"})
    assert one_by_one[3] == ["ann", "bob", "cat"]  # each reached the threshold of 50 once
    assert outcome(batched=True) == one_by_one


def test_rules_are_checked(unit):
    with pytest.raises(ValidationFailed) as no_rules:
        scoring.create_rule(unit, load(ScoringRuleInput(), {
            "name": "x", "kind": "field", "points": 5}), None, CONFIG)
    assert "rules" in no_rules.value.errors
    with pytest.raises(ValidationFailed) as unknown:
        scoring.create_rule(unit, load(ScoringRuleInput(), {
            "name": "x", "kind": "field", "points": 5, "rules": {
                "match": "all", "conditions": [{"field": "iq", "op": "eq", "value": 1}]}}),
            None, CONFIG)
    assert "rules.conditions.0.field" in unknown.value.errors
    with pytest.raises(ValidationFailed) as no_event:
        scoring.create_rule(unit, load(ScoringRuleInput(), {
            "name": "x", "kind": "event", "points": 5}), None, CONFIG)
    assert "event" in no_event.value.errors


def sent_campaign(unit, *names):
    for name in names:
        contact(unit, name, account_id="acc")
    segment = segments.create_segment(unit, load(SegmentInput(), {"name": "All", "rules": {
        "match": "all", "conditions": [{"field": "email", "op": "is_set"}]}}), None)
    template = templates.create_template(unit, load(TemplateInput(), {
        "name": "t", "subject": "s", "text_body": "b"}))
    campaign = campaigns.create_campaign(unit, load(CampaignInput(), {
        "name": "c", "segment_id": segment.id, "template_id": template.id}))
    campaigns.send_now(unit, campaign.id, None)
    unit.commit()
    config = SendSettings(public_url="https://crm.example")
    for rid, token in delivery.claim_due(unit.session, config):
        delivery.perform(unit, rid, token, config, lambda mail: None)
    return campaign


def test_clicks_earn_points_qualify_the_lead_once_and_fade(unit):
    handlers.project_account(unit, {"id": "acc", "name": "Globex", "owner_id": "rep-7",
                                    "version": 1})
    rule(unit, name="Clicked a campaign", kind="event", event="email.clicked", points=40)
    rule(unit, name="Opened a campaign", kind="event", event="email.opened", points=15)
    campaign = sent_campaign(unit, "ann")
    rid = unit.session.scalar(select(Recipient.id))
    key = settings.secret_key()
    click = links.make(key, links.CLICK, rid, "https://example.com")
    tracking.clicked(unit, key, click)
    tracking.clicked(unit, key, click)  # a second click earns nothing more
    unit.commit()
    assert score_of(unit, "ann") == 55
    [qualified] = events(unit, "lead.qualified")
    assert qualified["contact_id"] == "ann" and qualified["owner_id"] == "rep-7"
    assert qualified["campaign_id"] == campaign.id and qualified["score"] == 55
    later = datetime.now(UTC) + timedelta(days=30)
    assert scoring.decay(unit, CONFIG, moment=later) == 1
    unit.commit()
    assert score_of(unit, "ann") == 27  # 55 halved after (just over) one half-life
    assert len(events(unit, "lead.qualified")) == 1
    score = scoring.lead_score(unit.session, "ann", CONFIG)
    assert sorted(entry["points"] for entry in score["history"]) == [15, 40]
    # The 360 view reads the score and its history through its one query of ids.
    view = customer.contact_view(unit.session, "ann", CONFIG)
    assert view["lead_score"] == score and view["lead_score"]["score"] == 27
    assert view["campaigns"][0]["clicks"] == 2 and view["campaigns"][0]["opens"] >= 1


def test_a_segment_on_the_lead_score(unit):
    rule(unit, name="Opened", kind="event", event="email.opened", points=20)
    sent_campaign(unit, "ann", "bob")
    hot = segments.create_segment(unit, load(SegmentInput(), {"name": "Hot", "rules": {
        "match": "all", "conditions": [{"field": "behaviour.lead_score", "op": "gte",
                                        "value": 20}]}}), None)
    unit.commit()
    assert segments.member_ids(unit.session, hot.id) == set()
    ann = unit.session.scalar(select(Recipient.id).where(Recipient.contact_id == "ann"))
    tracking.opened(unit, settings.secret_key(),
                    links.make(settings.secret_key(), links.OPEN, ann))
    unit.commit()
    assert segments.member_ids(unit.session, hot.id) == {"ann"}


def test_a_merge_keeps_what_the_merged_contact_earned(unit):
    rule(unit, name="Opened", kind="event", event="email.opened", points=20)
    sent_campaign(unit, "ann", "bob")
    bob = unit.session.scalar(select(Recipient.id).where(Recipient.contact_id == "bob"))
    tracking.opened(unit, settings.secret_key(),
                    links.make(settings.secret_key(), links.OPEN, bob))
    unit.commit()
    handlers.repoint_merged_contact(unit, {"merged_id": "bob", "surviving_id": "ann",
                                           "contact": {"id": "ann", "version": 5,
                                                       "email": "ann@x.test"}})
    unit.commit()
    assert score_of(unit, "ann") == 20 and score_of(unit, "bob") == 0


def opportunity(oid, status, amount="1000.00", currency="EUR", version=1, **fields):
    return {"id": oid, "name": "Deal", "contact_id": "ann", "account_id": "acc",
            "status": status, "amount": amount, "currency": currency, "version": version,
            "created_at": datetime.now(UTC), "closed_at": None, **fields}


def test_leads_opportunities_and_revenue_are_credited_to_campaigns(unit):
    rule(unit, name="Clicked", kind="event", event="email.clicked", points=60)
    first = sent_campaign(unit, "ann")
    key = settings.secret_key()
    [rid] = unit.session.scalars(select(Recipient.id).where(
        Recipient.campaign_id == first.id)).all()
    tracking.opened(unit, key, links.make(key, links.OPEN, rid))
    unit.commit()
    second = sent_campaign(unit, "bob")  # ann is in its segment too, and clicks it
    ann_second = unit.session.scalar(select(Recipient.id).where(
        Recipient.campaign_id == second.id, Recipient.contact_id == "ann"))
    tracking.clicked(unit, key, links.make(key, links.CLICK, ann_second, "https://x.test"))
    unit.commit()
    handlers.project_deal(unit, opportunity("o1", "open"), datetime.now(UTC))
    handlers.project_deal(unit, opportunity("o1", "won", "1500.00", version=2),
                          datetime.now(UTC))
    handlers.project_deal(unit, opportunity("o2", "won", "99.00", "USD"), datetime.now(UTC))
    unit.commit()
    campaigns.update_campaign(unit, second.id, {"cost": Decimal("500.00")}, None)
    unit.commit()
    one, two = (campaigns.metrics(unit.session, campaigns.get_campaign(unit.session, c.id))
                for c in (first, second))
    assert (one["opportunities_first_touch"], one["opportunities_last_touch"]) == (2, 0)
    assert (two["opportunities_first_touch"], two["opportunities_last_touch"]) == (0, 2)
    assert one["revenue_first_touch"] == "1500.00" and two["revenue_last_touch"] == "1500.00"
    assert two["revenue_other_currencies"] == {"USD": "99.00"}
    assert (two["leads"], two["cost_per_lead"], two["roi"]) == (1, "500.00", "2.0000")
    assert one["leads"] == 0 and one["roi"] is None
