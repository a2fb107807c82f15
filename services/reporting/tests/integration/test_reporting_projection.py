"""The read models against a real database: the same history in any order, with
duplicates, and rebuilt from scratch, gives the same figures; the figures are right."""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta

import pytest
from reporting_history import NOW, History, at, iso, platform_history
from sqlalchemy import func, select

from crm_contracts.registry import load_event
from reporting.domain import sales, support
from reporting.domain.figures import money
from reporting.domain.periods import period_of
from reporting.models import ContactFacts, DirtyDay, JournalEntry
from reporting.operations import dashboards, history, rebuild, reports, rollups
from reporting.operations.facts import Facts, Scope
from reporting.operations.projection import apply, apply_all


def feed(unit, events) -> None:
    for envelope in events:
        apply(unit.session, load_event(copy.deepcopy(envelope)))
    unit.commit()


def figures(session, on: date = date(2026, 11, 10)) -> dict:
    facts = Facts(session)
    everything = {}
    for kind in ("month", "quarter", "last_90_days"):
        period = period_of(kind, on)
        for name in reports.REPORTS:
            everything[(name, kind)] = reports.report(facts, name, period, None, NOW)
        for role in dashboards.ROLES:
            everything[(role, kind)] = dashboards.dashboard(session, role, period, None, NOW)
    everything["ann"] = dashboards.dashboard(session, "sales_rep", period_of("month", on),
                                             "ann", NOW)
    everything["history"] = history.history(session, "contact", "c0", 500, None)
    everything["as_of"] = history.customer_as_of(session, "account", "acme", at(36.2))
    session.commit()  # dashboards write the rollups of the days they found dirty
    return everything


@pytest.fixture
def events():
    return platform_history().events


def test_the_figures_are_those_of_the_history(unit, events):
    feed(unit, events)
    facts = Facts(unit.session)
    november = period_of("month", date(2026, 11, 10))
    win = reports.report(facts, "win-rate", november, None, NOW)["summary"]
    assert (win["won"], win["lost"], win["win_rate"]) == (1, 1, 50.0)
    assert win["won_amount"] == {"EUR": "1000.00"}
    assert win["cycle_length_days"] == 9.0
    pipeline = reports.report(facts, "pipeline", november, None, NOW)
    assert pipeline["summary"]["open_deals"] == 1  # d3 open; d4 deleted
    assert pipeline["rows"][0]["weighted_amount"] == {"EUR": "1200.00"}
    conversion = reports.report(facts, "conversion", november, None, NOW)
    assert conversion["summary"] == {"leads": 4, "customers": 2, "conversion_rate": 50.0}
    stages = {row["stage_id"]: row for row in conversion["rows"]}
    assert stages["qualify"]["entered"] == 3 and stages["proposal"]["won"] == 1
    times = reports.report(facts, "time-in-stage", november, None, NOW)["rows"]
    assert times == [{"stage_id": "qualify", "name": "Qualify", "moves": 2,
                      "average_days": 5.0}]
    tickets = reports.report(facts, "tickets", november, "priority", NOW)
    assert tickets["rows"] == [{"priority": "normal", "count": 1},
                               {"priority": "urgent", "count": 1}]
    assert tickets["summary"]["compliance_rate"] == 50.0
    assert tickets["summary"]["first_response_hours_avg"] == 0.96
    csat = reports.report(facts, "csat", november, None, NOW)["summary"]
    assert csat["average"] == 2.0 and csat["responses"] == 1
    [acme] = [row for row in reports.report(facts, "customers", november, None, NOW)["rows"]
              if row["account_id"] == "acme"]
    assert acme["lifetime_value"] == {"EUR": "1250.00"}
    assert {reason["code"] for reason in acme["churn_risk"]["reasons"]} == {
        "open_urgent_tickets", "low_csat"}
    [campaign] = reports.report(facts, "campaigns", november, None, NOW)["rows"]
    assert {key: campaign[key] for key in (
        "name", "sent", "delivered", "open_rate", "click_rate", "leads", "won", "cost",
        "cost_per_lead", "roi")} == {
        "name": "Autumn", "sent": 2, "delivered": 1, "open_rate": 100.0, "click_rate": 100.0,
        "leads": 1, "won": 0, "cost": {"EUR": "500.00"}, "cost_per_lead": {"EUR": "500.00"},
        "roi": -100.0}
    acme_kpis = reports.customer_kpis(unit.session, "account_id", "acme", NOW)
    assert acme_kpis["open_pipeline"] == {"EUR": "2000.00"}
    assert acme_kpis["last_activity_at"] == at(37).isoformat()
    # A 360 view reads one customer's rows in one query (operations/customer_facts.py):
    # each account's KPIs there are those the report computes from the whole tables.
    for row in reports.report(facts, "customers", november, None, NOW)["rows"]:
        kpis = reports.customer_kpis(unit.session, "account_id", row["account_id"], NOW)
        assert {key: kpis[key] for key in ("lifetime_value", "orders", "churn_risk", "upsell",
                                           "last_activity_at")} == \
            {key: row[key] for key in ("lifetime_value", "orders", "churn_risk", "upsell",
                                       "last_activity_at")}, row["account_id"]
    assert acme_kpis["churn_risk"]["reasons"] and acme_kpis["lifetime_value"]
    kpis = {k["key"]: k for k in dashboards.dashboard(
        unit.session, "sales_rep", november, "bob", NOW)["kpis"]}
    assert kpis["won_deals"]["value"] == 0 and kpis["win_rate"]["value"] == 0.0
    october = {k["key"]: k for k in dashboards.dashboard(
        unit.session, "executive", november, None, NOW)["kpis"]}
    assert october["order_revenue"]["value"] == {"EUR": "1000.00"}
    assert october["order_revenue"]["previous"] == {"EUR": "250.00"}


def test_shuffled_and_duplicated_history_gives_the_same_figures(unit_for, events):
    in_order = unit_for("ann")
    feed(in_order, events)
    expected = figures(in_order.session)
    for seed in (1, 2, 3):
        unit = unit_for("ann")
        rebuild.reset(unit.session)
        unit.commit()
        chaos = events + random.Random(seed).sample(events, len(events) // 2)
        random.Random(seed).shuffle(chaos)
        feed(unit, chaos)
        assert figures(unit.session) == expected, f"seed {seed}"


def test_a_whole_shuffled_history_applied_as_one_batch_gives_the_same_figures(unit_for):
    """A rebuild's page gathers the writes of all its events and sends them together: rows
    written by several events of the batch (a deal created, moved and won; a ticket
    created and solved; a contact erased after its changes) end as event by event."""
    h = platform_history()
    h.emit("contacts", "contact.erased", at(45), {"contact_id": "c1", "changed_by": "admin"})
    events = h.events
    in_order = unit_for("ann")
    feed(in_order, events)
    expected = figures(in_order.session)
    erased_history = history.history(in_order.session, "contact", "c1", 100, None)
    assert all("c1@example.com" not in str(item["data"]) for item in erased_history["items"])
    unit = unit_for("ann")
    rebuild.reset(unit.session)
    unit.commit()
    chaos = events + random.Random(4).sample(events, len(events) // 2)
    random.Random(4).shuffle(chaos)
    apply_all(unit.session, [load_event(copy.deepcopy(envelope)) for envelope in chaos])
    unit.commit()
    assert figures(unit.session) == expected
    assert history.history(unit.session, "contact", "c1", 100, None) == erased_history


def test_rebuilding_from_the_event_logs_gives_the_same_figures(unit, events):
    feed(unit, events)
    before = figures(unit.session)
    rebuild.reset(unit.session)
    unit.commit()
    assert reports.report(Facts(unit.session), "customers", period_of("month", NOW.date()),
                          None, NOW)["rows"] == []
    for source in rebuild.SOURCES:
        log = [{"seq": seq, **event} for seq, event in enumerate(
            (e for e in events if e["source"] == source), start=1)]
        for start in range(0, len(log), 4):
            page = {"items": log[start:start + 4], "next_cursor": None}
            result = rebuild.apply_page(unit.session, source, page)
            assert result["skipped"] == 0
        unit.commit()
    assert figures(unit.session) == before


def test_an_unknown_event_in_a_log_is_skipped_not_applied(unit, events):
    page = {"items": [{"seq": 1, **events[0], "version": 99},
                      {"seq": 2, **events[0], "type": "contact.teleported"},
                      {"seq": 3, **events[0]}], "next_cursor": None}
    result = rebuild.apply_page(unit.session, "contacts", page)
    assert (result["applied"], result["skipped"], result["last_seq"]) == (1, 2, 3)


def test_an_erased_contact_keeps_its_history_without_the_words(unit, events):
    h = platform_history()
    h.emit("contacts", "contact.erased", at(45), {"contact_id": "c0", "changed_by": "admin"})
    feed(unit, h.events)
    items = history.history(unit.session, "contact", "c0", 100, None)["items"]
    assert [item["type"] for item in items][:2] == ["contact.created", "contact.updated"]
    assert all("c0@example.com" not in str(item["data"]) for item in items)
    # A late copy of an old event stays erased too.
    feed(unit, [dict(h.events[5], id="late-copy")])
    assert "c0@example.com" not in str(history.history(unit.session, "contact", "c0", 100,
                                                       None))


def test_each_contact_of_an_import_has_its_own_history(unit):
    h = History()
    batch = h.emit("contacts", "contact.imported", at(1), {"job_id": "job-1", "changed_by": "ann",
                   "contacts": [{"id": f"imp{n}", "last_name": f"Imp{n}",
                                 "email": f"imp{n}@example.com", "lifecycle_stage": "lead",
                                 "version": 1, "created_at": iso(at(1)),
                                 "updated_at": iso(at(1))} for n in range(3)]})
    feed(unit, h.events)
    feed(unit, h.events)  # a redelivery adds nothing
    rebuild.apply_page(unit.session, "contacts", {"items": [{"seq": 1, **batch}]})
    unit.commit()  # nor does the same event read from the log by a rebuild

    for n in range(3):
        [entry] = history.history(unit.session, "contact", f"imp{n}", 10, None)["items"]
        assert (entry["type"], entry["changed_by"]) == ("contact.imported", "ann")
        assert entry["data"]["contact"]["email"] == f"imp{n}@example.com"
    assert unit.session.scalar(select(func.count()).select_from(JournalEntry)) == 3
    facts = {row.id: row for row in unit.session.scalars(select(ContactFacts))}
    assert {(row.created_by, row.lifecycle_stage) for row in facts.values()} == {
        ("ann", "lead")}

    h.emit("contacts", "contact.erased", at(2), {"contact_id": "imp1"})
    feed(unit, h.events[-1:])
    [entry] = history.history(unit.session, "contact", "imp1", 10, None)["items"][:1]
    assert "imp1@example.com" not in str(entry)
    assert "imp0@example.com" in str(history.history(unit.session, "contact", "imp0", 10, None))


def test_time_travel_shows_what_was_known_then(unit, events):
    feed(unit, events)
    then = history.customer_as_of(unit.session, "account", "acme", at(36.2))
    assert then["account"]["domain"] == "acme.example"
    assert {deal["id"]: deal["stage_id"] for deal in then["opportunities"]} == {
        "d1": "proposal", "d3": "qualify"}  # d4 deleted at day 35
    assert {t["id"]: t["status"] for t in then["tickets"]} == {"t1": "solved"}
    contact = history.customer_as_of(unit.session, "contact", "c0", at(31))
    assert contact["contact"]["lifecycle_stage"] == "lead"
    assert contact["account"]["tier"] == "gold"


@pytest.mark.parametrize("moment", [at(-1), NOW.replace(year=2030)])
def test_time_travel_before_the_record_or_into_the_future_names_as_of(unit, events, moment):
    from crm_contracts.errors import ValidationFailed

    feed(unit, events)
    with pytest.raises(ValidationFailed) as caught:
        history.customer_as_of(unit.session, "account", "acme", moment)
    assert "as_of" in caught.value.errors


def test_an_unknown_report_or_grouping_names_the_field(unit):
    from crm_contracts.errors import ValidationFailed

    period = period_of("month", NOW.date())
    with pytest.raises(ValidationFailed) as caught:
        reports.report(Facts(unit.session), "nothing", period, None, NOW)
    assert "report" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        reports.report(Facts(unit.session), "tickets", period, "colour", NOW)
    assert "group_by" in caught.value.errors


def test_an_alert_is_emitted_once_per_crossing(unit, events):
    from crm_chassis.outbox import OutboxEvent
    from reporting.operations import alerts

    feed(unit, events)
    configured = alerts.configured_alerts(
        '[{"name": "sla", "kpi": "sla_compliance", "below": 90, "period": "last_30_days"}]')
    [crossed] = alerts.check(unit, configured, NOW)
    assert (crossed["state"], crossed["value"]) == ("breached", 50.0)
    unit.commit()
    assert alerts.check(unit, configured, NOW) == []  # still breached: nothing new
    unit.commit()
    relaxed = alerts.configured_alerts('[{"name": "sla", "kpi": "sla_compliance", "below": 40}]')
    [back] = alerts.check(unit, relaxed, NOW)
    assert back["state"] == "recovered"
    unit.commit()
    outbox = unit.session.scalars(select(OutboxEvent)).all()
    assert [(row.type, row.data["state"]) for row in outbox] == [
        ("kpi.threshold_crossed", "breached"), ("kpi.threshold_crossed", "recovered")]


# The dashboards' KPIs as the reports define them (reporting/domain), over every row read
# into Python: the oracle that the database's aggregates (operations/kpis.py) must match.
def _backlog_at(tickets, moment):
    return sum(1 for t in tickets if t.created_at is not None and t.created_at < moment
               and (t.solved_at is None or t.solved_at >= moment)
               and (t.closed_at is None or t.closed_at >= moment))


REFERENCE = {
    "new_pipeline": lambda f, p: money((d.currency, d.amount) for d in f.deals
                                       if p.contains(d.created_at)),
    "new_deals": lambda f, p: sum(1 for d in f.deals if p.contains(d.created_at)),
    "won_amount": lambda f, p: sales.win_rate(f.deals, p)["won_amount"],
    "won_deals": lambda f, p: sales.win_rate(f.deals, p)["won"],
    "win_rate": lambda f, p: sales.win_rate(f.deals, p)["win_rate"],
    "forecast": lambda f, p: sales.forecast(f.deals, p)["weighted_open"],
    "activities": lambda f, p: sum(1 for a in f.activities if p.contains(a.created_at)),
    "sales_cycle_days": lambda f, p: sales.cycle_length_days(f.deals, p),
    "leads": lambda f, p: sales.lead_conversion(f.contacts, p)["leads"],
    "lead_conversion": lambda f, p: sales.lead_conversion(f.contacts, p)["conversion_rate"],
    "new_customers": lambda f, p: sum(1 for c in f.contacts if c.merged_into is None
                                      and p.contains(c.became_customer_at)),
    "campaign_deals": lambda f, p: sum(1 for d in f.deals if d.source_campaign_id
                                       and p.contains(d.created_at)),
    "campaign_revenue": lambda f, p: money((d.currency, d.amount) for d in
                                           sales.closed_in(f.deals, p)[0]
                                           if d.source_campaign_id),
    "mails_sent": lambda f, p: sum(1 for r in f.recipients if p.contains(r.sent_at)),
    "tickets": lambda f, p: sum(1 for t in f.tickets if p.contains(t.created_at)),
    "first_response_hours": lambda f, p: support.response_times(
        f.tickets, p)["first_response_hours_avg"],
    "resolution_hours": lambda f, p: support.response_times(f.tickets, p)["resolution_hours_avg"],
    "sla_compliance": lambda f, p: support.sla_compliance(f.tickets, p)["compliance_rate"],
    "csat": lambda f, p: support.csat(f.ratings, p)["average"],
    "backlog": lambda f, p: _backlog_at(f.tickets, min(NOW, p.end)),
    "order_revenue": lambda f, p: money((o.currency, o.total) for o in f.orders
                                        if p.contains(o.ordered_at)),
}


def _busier_history() -> list[dict]:
    """The platform's history and, drawn at random, more of everything a KPI tells apart:
    deals won, lost or open with and without a campaign, tickets answered late, solved
    late, left open or rated."""
    h = platform_history()
    rng = random.Random(7)
    for n in range(40):
        created = at(rng.uniform(20, 48))
        deal, owner = f"rd{n}", rng.choice(["ann", "bob"])
        extra = {"campaign": "camp1"} if n % 3 == 0 else {}
        h.deal(deal, "opportunity.created", created, created, "qualify", owner=owner,
               amount=f"{rng.randrange(100, 9000)}.{rng.randrange(100):02d}", **extra)
        closed = created + timedelta(days=rng.uniform(1, 20))
        outcome = rng.choice(["won", "lost", "open"])
        if outcome != "open":
            h.deal(deal, f"opportunity.{outcome}", closed, created, "qualify", status=outcome,
                   owner=owner, probability=100 if outcome == "won" else 0,
                   **({"lost_reason": "price"} if outcome == "lost" else {}), **extra)
            if outcome == "won":
                h.order(f"ro{n}", closed, f"{rng.randrange(100, 900)}.50")
        ticket = f"rt{n}"
        opened = at(rng.uniform(20, 48))
        h.ticket(ticket, "ticket.created", opened, opened, priority=rng.choice(
            ["low", "normal", "urgent"]))
        answered = opened + timedelta(hours=rng.uniform(0.1, 3))
        h.ticket(ticket, "ticket.status_changed", answered, opened, status="open",
                 responded=answered, breached=answered - opened > timedelta(hours=1),
                 from_status="new", to_status="open", changed_at=iso(answered))
        if rng.random() < 0.7:
            solved = answered + timedelta(hours=rng.uniform(1, 30))
            late = solved - opened > timedelta(hours=8)
            record = h.ticket(ticket, "ticket.solved", solved, opened, status="solved",
                              responded=answered, solved=solved, solved_at=iso(solved),
                              breached=answered - opened > timedelta(hours=1),
                              first_response_met=answered - opened <= timedelta(hours=1),
                              resolution_met=not late)
            record["data"]["ticket"]["resolution_breached"] = late
            if rng.random() < 0.5:
                h.rating(ticket, solved + timedelta(hours=2), rng.randrange(1, 6))
    return h.events


@pytest.mark.parametrize("kind", ["week", "month", "quarter", "last_7_days", "last_90_days"])
@pytest.mark.parametrize("on", [date(2026, 10, 28), date(2026, 11, 10), date(2026, 12, 15)])
def test_dashboards_measured_by_the_database_agree_with_the_reports_definitions(
        unit, kind, on):
    feed(unit, _busier_history())
    assert set(REFERENCE) == set(dashboards.KPIS)
    _assert_dashboards_as_defined(unit.session, period_of(kind, on))


def _assert_dashboards_as_defined(session, period) -> None:
    for role in dashboards.ROLES:
        for owner in (None, "ann", "bob"):
            facts = Facts(session, Scope(owner))
            for kpi in dashboards.dashboard(session, role, period, owner, NOW)["kpis"]:
                expected = (REFERENCE[kpi["key"]](facts, period),
                            REFERENCE[kpi["key"]](facts, period.previous()))
                assert (kpi["value"], kpi["previous"]) == expected, (role, owner, kpi["key"])
    session.commit()


def test_the_days_a_fact_leaves_and_reaches_are_added_up_again(unit):
    """Dashboards add up daily rollups, kept from one read to the next: a fact that moves
    to another day (a close date pushed to December, a won deal deleted, a ticket solved
    again later, a contact become a customer) must leave its old day's rollup too."""
    h = platform_history()
    feed(unit, h.events)
    months = [period_of("month", date(2026, 11, 10)), period_of("month", date(2026, 12, 10))]
    for period in months:
        _assert_dashboards_as_defined(unit.session, period)
    known = len(h.events)
    h.deal("d3", "opportunity.updated", at(46), at(33), "proposal", amount="2000.00",
           probability=60, campaign="camp1", expected_close_date="2026-12-10",
           changed_fields=["expected_close_date"])
    h.emit("sales", "opportunity.deleted", at(46), {"opportunity_id": "d1", "changed_by": "ann"})
    h.ticket("t1", "ticket.solved", at(47), at(35), status="solved", responded=at(35.04),
             solved=at(47), solved_at=iso(at(47)), first_response_met=True,
             resolution_met=False, first_response_elapsed_minutes=57.6,
             resolution_elapsed_minutes=999.0)
    h.contact("c2", at(46), at(33), lifecycle_stage="customer", account_id="acme")
    feed(unit, h.events[known:])
    assert unit.session.scalar(select(func.count()).select_from(DirtyDay)) > 0
    # The timer's way (each day in a transaction of its own) or the next dashboard's.
    assert rollups.refresh_some(unit.session, unit.commit) > 0
    assert unit.session.scalar(select(func.count()).select_from(DirtyDay)) == 0
    forecast = {k["key"]: k for k in dashboards.dashboard(
        unit.session, "sales_rep", months[1], None, NOW)["kpis"]}["forecast"]
    assert forecast["value"] == {"EUR": "1200.00"}  # d3, now expected in December
    for period in months:
        _assert_dashboards_as_defined(unit.session, period)


def test_a_survivor_counts_what_was_merged_into_it_and_its_erasure_blanks_both(unit):
    h = History()
    for person in ("ann", "annie"):
        h.contact(person, at(1), at(1), created=True)
        order = h.order(f"o-{person}", at(2), "100.00", account_id=None)
        order["data"]["order"]["contact_id"] = person
        h.emit("marketing", "lead.score_changed", at(2), {
            "contact_id": person, "score": 10, "previous": 0, "reason": "opened",
            "at": iso(at(2))})
    # annie was ann recorded twice: merged, her score's entries now in ann's 20
    survivor = {"id": "ann", "first_name": "Ada", "last_name": "ann", "version": 2,
                "email": "ann@example.com", "created_at": iso(at(1)), "updated_at": iso(at(3))}
    h.emit("contacts", "contact.merged", at(3), {"surviving_id": "ann", "merged_id": "annie",
                                                 "contact": survivor})
    h.emit("marketing", "lead.score_changed", at(3), {
        "contact_id": "ann", "score": 20, "previous": 10, "reason": "merged", "at": iso(at(3))})
    feed(unit, h.events)

    kpis = reports.customer_kpis(unit.session, "contact_id", "ann", NOW)
    assert (kpis["orders"], kpis["lifetime_value"]) == (2, {"EUR": "200.00"})
    scores = reports.report(Facts(unit.session), "lead-scores", period_of("month", NOW.date()),
                            None, NOW)
    assert scores["summary"] == {"scored_contacts": 1}  # annie's points are in ann's score

    h.emit("contacts", "contact.erased", at(4), {"contact_id": "ann", "merged_ids": ["annie"],
                                                 "changed_by": "admin"})
    feed(unit, h.events[-1:])
    for person in ("ann", "annie"):
        items = history.history(unit.session, "contact", person, 100, None)["items"]
        assert items and f"{person}@example.com" not in str(items)
