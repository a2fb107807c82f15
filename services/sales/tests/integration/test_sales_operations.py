"""The sales use cases against a real database: what they write, what they refuse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from crm_chassis.outbox import OutboxEvent
from sales import handlers
from sales.exceptions import InvalidTransition, NotOwner, StaleVersion, ValidationFailed
from sales.models import Activity, Opportunity, Order, Quote
from sales.operations import activities, board, catalog, opportunities, pipelines, quotes
from sales.operations.customer import customer_view, personal_data
from sales.schemas import (
    ActivityInput,
    BoardQuery,
    ForecastQuery,
    ListQuery,
    OpportunityInput,
    PipelineInput,
    QuoteInput,
    load,
)


def deal(unit, **data):
    values = {"name": "Globex renewal", "amount": "1200.00", "currency": "EUR", **data}
    created = opportunities.create_opportunity(unit, load(OpportunityInput(), values))
    unit.commit()
    return created


def emitted(unit, event_type: str) -> list[dict]:
    rows = unit.session.scalars(select(OutboxEvent).where(OutboxEvent.type == event_type)
                                .order_by(OutboxEvent.seq))
    return [row.data for row in rows]


def test_a_new_install_has_a_default_pipeline_and_a_deal_lands_in_its_first_stage(unit):
    default = pipelines.default_pipeline(unit.session)
    assert default.is_default and [s.name for s in default.stages][0] == "Qualification"
    created = deal(unit, probability=None)
    data = opportunities.opportunity_data(created)
    assert data["stage_name"] == "Qualification" and data["probability"] == 10
    assert data["owner_id"] == "ann" and data["amount"] == "1200.00"
    assert data["weighted_amount"] == "120.00" and data["status"] == "open"
    event = emitted(unit, "opportunity.created")[0]
    assert event["opportunity"]["pipeline_name"] == "Sales"
    assert event["opportunity"]["amount"] == "1200.00" and event["changed_by"] == "ann"


def test_money_is_exact_and_checked(unit):
    created = deal(unit, amount="12345678901234.99", currency="EUR")
    unit.session.expire_all()
    again = opportunities.get_opportunity(unit.session, created.id)
    assert opportunities.opportunity_data(again)["amount"] == "12345678901234.99"
    with pytest.raises(ValidationFailed) as too_fine:
        deal(unit, amount="10.001")
    assert "amount" in too_fine.value.errors
    with pytest.raises(ValidationFailed) as floats:
        load(OpportunityInput(), {"name": "x", "amount": 10.5, "currency": "EUR"})
    assert "amount" in floats.value.errors
    with pytest.raises(ValidationFailed) as currency:
        load(OpportunityInput(), {"name": "x", "amount": "1", "currency": "EUX"})
    assert "currency" in currency.value.errors


def test_moving_records_history_and_resets_the_probability(unit):
    created = deal(unit, probability=80)
    stages = pipelines.default_pipeline(unit.session).stages
    moved = opportunities.move_opportunity(unit, created.id, {"stage_id": stages[2].id},
                                           created.version)
    unit.commit()
    assert moved["stage_name"] == "Proposal" and moved["probability"] == 50
    history = opportunities.stage_history(unit.session, created.id)
    assert [(h["from_stage_name"], h["to_stage_name"]) for h in history] == [
        (None, "Qualification"), ("Qualification", "Proposal")]
    assert history[1]["changed_by"] == "ann" and history[1]["seconds_in_previous_stage"] >= 0
    change = emitted(unit, "opportunity.stage_changed")[0]
    assert (change["from_stage_name"], change["to_stage_name"]) == ("Qualification", "Proposal")


def test_a_stage_of_another_pipeline_is_refused(unit):
    other = pipelines.create_pipeline(unit, load(PipelineInput(), {
        "name": "Partners", "stages": [{"name": "Intro", "probability": 5},
                                       {"name": "Signed", "probability": 90}]}))
    unit.commit()
    created = deal(unit)
    with pytest.raises(ValidationFailed) as refused:
        opportunities.move_opportunity(unit, created.id, {"stage_id": other.stages[1].id},
                                       None)
    assert "stage_id" in refused.value.errors
    unit.rollback()
    moved = opportunities.move_opportunity(unit, created.id, {
        "stage_id": other.stages[1].id, "pipeline_id": other.id}, None)
    unit.commit()
    assert (moved["pipeline_name"], moved["stage_name"], moved["probability"]) == (
        "Partners", "Signed", 90)


def test_a_won_deal_moves_only_after_reopening(unit):
    created = deal(unit)
    stages = pipelines.default_pipeline(unit.session).stages
    won = opportunities.win_opportunity(unit, created.id, None)
    unit.commit()
    assert won.status == "won" and won.probability == 100 and won.closed_at
    with pytest.raises(InvalidTransition):
        opportunities.move_opportunity(unit, created.id, {"stage_id": stages[1].id}, None)
    unit.rollback()
    with pytest.raises(InvalidTransition):
        opportunities.lose_opportunity(unit, created.id, {"lost_reason": "price"}, None)
    unit.rollback()
    opportunities.reopen_opportunity(unit, created.id, {"stage_id": stages[1].id}, None)
    unit.commit()
    lost = opportunities.lose_opportunity(unit, created.id, {"lost_reason": "price"}, None)
    unit.commit()
    assert lost.status == "lost" and lost.lost_reason == "price" and lost.probability == 0
    assert emitted(unit, "opportunity.lost")[0]["lost_reason"] == "price"
    assert len(emitted(unit, "opportunity.won")) == 1


def test_a_rep_writes_only_their_own_deals_and_activities(unit_for):
    manager, ann, bob = unit_for("meg", "sales_manager"), unit_for("ann", "sales_rep"), \
        unit_for("bob", "sales_rep")
    bobs = deal(manager, owner_id="bob")
    with pytest.raises(NotOwner):
        opportunities.update_opportunity(ann, bobs.id, {"name": "mine now"}, None)
    with pytest.raises(NotOwner):
        deal(ann, owner_id="bob")
    ann.rollback()
    opportunities.update_opportunity(bob, bobs.id, {"name": "still mine"}, None)
    bob.commit()
    manager.session.expire_all()
    opportunities.update_opportunity(manager, bobs.id, load(OpportunityInput(), {
        "amount": "99.00"}, partial=True), None)
    manager.commit()
    task = activities.create_activity(bob, load(ActivityInput(), {"type": "task",
                                                                  "subject": "Call back"}))
    bob.commit()
    with pytest.raises(NotOwner):
        activities.complete_activity(ann, task.id, None)


def test_a_stale_version_is_refused(unit):
    created = deal(unit)
    assert created.version == 1
    opportunities.update_opportunity(unit, created.id, {"name": "v2"}, 1)
    unit.commit()
    with pytest.raises(StaleVersion):
        opportunities.update_opportunity(unit, created.id, {"name": "v3"}, 1)


def test_a_move_that_another_write_overtook_changes_nothing(unit, unit_for):
    created = deal(unit)
    stages = pipelines.default_pipeline(unit.session).stages
    mover, engine, overtaken = unit_for(), unit.session.get_bind(), []

    def rename_first(_conn, _cursor, statement, *_args) -> None:
        # Between the move's read of the deal and its UPDATE, another caller's write lands.
        if statement.lstrip().startswith("UPDATE opportunities") and not overtaken:
            overtaken.append(True)
            opportunities.update_opportunity(unit, created.id, {"name": "Renamed"}, None)
            unit.commit()

    event.listen(engine, "before_cursor_execute", rename_first)
    try:
        with pytest.raises(StaleVersion):
            opportunities.move_opportunity(mover, created.id, {"stage_id": stages[2].id}, None)
    finally:
        event.remove(engine, "before_cursor_execute", rename_first)
    mover.rollback()
    unit.session.expire_all()
    kept = opportunities.get_opportunity(unit.session, created.id)
    assert (kept.name, kept.stage_id, kept.version) == ("Renamed", stages[0].id, 2)
    assert len(opportunities.stage_history(unit.session, created.id)) == 1
    assert emitted(unit, "opportunity.stage_changed") == []


def test_listing_filters_and_pages(unit):
    for number in range(7):
        deal(unit, name=f"Deal {number}", owner_id="ann" if number % 2 else "bob",
             expected_close_date=date(2026, 11 + number % 2, 10).isoformat())
    seen, cursor = [], None
    while True:
        rows, cursor = board.list_opportunities(unit.session, load(ListQuery(), {
            "limit": 2, "cursor": cursor, "sort": "expected_close_date",
            "filters": {"status": "open"}}))
        seen += [row.name for row in rows]
        if cursor is None:
            break
    assert sorted(seen) == [f"Deal {n}" for n in range(7)] and len(seen) == 7
    rows, _ = board.list_opportunities(unit.session, load(ListQuery(), {
        "filters": {"owner_id": "bob", "close_before": "2026-12-01"}}))
    assert {row.name for row in rows} == {"Deal 0", "Deal 2", "Deal 4", "Deal 6"}
    with pytest.raises(ValidationFailed):
        board.list_opportunities(unit.session, load(ListQuery(), {"filters": {"colour": 1}}))


def test_board_counts_and_totals_per_stage_and_currency(unit):
    stages = pipelines.default_pipeline(unit.session).stages
    deal(unit, amount="100.10")
    deal(unit, amount="200.20")
    deal(unit, amount="5000", currency="JPY")
    deal(unit, amount="300.00", stage_id=stages[2].id)
    won = deal(unit, amount="999.00")
    opportunities.win_opportunity(unit, won.id, None)
    unit.commit()
    shown = board.board(unit.session, load(BoardQuery(), {"cards": 2}),
                        opportunities.opportunity_data)
    first, _, third, fourth = shown["stages"]
    assert first["count"] == 3 and len(first["cards"]) == 2 and first["next_cursor"]
    assert first["totals"] == [
        {"currency": "EUR", "amount": "300.30", "weighted_amount": "30.03"},
        {"currency": "JPY", "amount": "5000", "weighted_amount": "500"}]
    assert third["count"] == 1 and third["totals"][0]["weighted_amount"] == "150.00"
    assert fourth == {**fourth, "count": 0, "totals": [], "cards": []}
    # Newest first, and the column's cursor leads to the rest of it, nothing repeated.
    cards = first["cards"]
    assert [c["updated_at"] for c in cards] == sorted((c["updated_at"] for c in cards),
                                                       reverse=True)
    rest, cursor = board.list_opportunities(unit.session, load(ListQuery(), {
        "filters": {"stage_id": stages[0].id, "status": "open"}, "sort": "-updated_at",
        "cursor": first["next_cursor"]}))
    assert cursor is None and len(rest) == 1
    assert {r.id for r in rest}.isdisjoint(c["id"] for c in cards)


def test_forecast_of_open_deals(unit):
    deal(unit, amount="1000.00", expected_close_date="2026-11-15", owner_id="ann")
    deal(unit, amount="500.00", expected_close_date="2026-12-15", owner_id="ann")
    lost = deal(unit, amount="700.00", expected_close_date="2026-12-15")
    opportunities.lose_opportunity(unit, lost.id, {"lost_reason": "no budget"}, None)
    unit.commit()
    result = board.forecast_of(unit.session, load(ForecastQuery(), {"period": "quarter"}))
    assert result["totals"] == [{"period": "2026-Q4", "currency": "EUR", "count": 2,
                                 "amount": "1500.00", "weighted_amount": "150.00"}]


def test_quote_totals_persist_exactly_and_acceptance_makes_an_order(unit):
    product = catalog.create_product(unit, {"sku": "SEAT", "name": "Seat licence"})
    price_list = catalog.create_price_list(unit, {"name": "2026"})
    unit.commit()
    catalog.set_price(unit, price_list.id, {"product_id": product.id, "currency": "EUR",
                                            "unit_price": Decimal("19.99")})
    unit.commit()
    opportunity = deal(unit, account_id="acc-1", contact_id="con-1")
    quote = quotes.create_quote(unit, load(QuoteInput(), {
        "currency": "EUR", "opportunity_id": opportunity.id, "price_list_id": price_list.id,
        "lines": [{"product_id": product.id, "quantity": "3", "discount_percent": "12.5",
                   "tax_rate": "20"},
                  {"description": "Onboarding", "quantity": "1", "unit_price": "0.125"}]}))
    unit.commit()
    unit.session.expire_all()
    data = quotes.quote_data(quotes.get_quote(unit.session, quote.id))
    assert (data["net_total"], data["tax_total"], data["total"]) == ("52.60", "10.49", "63.09")
    assert data["lines"][0]["unit_price"] == "19.99" and data["account_id"] == "acc-1"
    with pytest.raises(InvalidTransition):
        quotes.accept_quote(unit, quote.id, None)
    unit.rollback()
    quotes.send_quote(unit, quote.id, None)
    unit.commit()
    with pytest.raises(InvalidTransition, match="only a draft"):
        quotes.update_quote(unit, quote.id, {"notes": "late edit"}, None)
    unit.rollback()
    accepted = quotes.accept_quote(unit, quote.id, None)
    unit.commit()
    order = quotes.get_order(unit.session, accepted.order_id)
    assert order.total == Decimal("63.09") and order.contact_id == "con-1"
    assert len(order.lines) == 2
    created = emitted(unit, "order.created")[0]["order"]
    assert created["total"] == "63.09" and created["owner_id"] == "ann"
    assert emitted(unit, "quote.accepted")[0]["order_id"] == order.id


def test_accepting_an_expired_quote_writes_nothing(unit):
    quote = quotes.create_quote(unit, load(QuoteInput(), {
        "currency": "USD", "valid_until": (datetime.now(UTC).date() - timedelta(days=1))
        .isoformat(), "lines": [{"description": "Work", "quantity": "2", "unit_price": "5"}]}))
    quotes.send_quote(unit, quote.id, None)
    unit.commit()
    with pytest.raises(InvalidTransition, match="expired"):
        quotes.accept_quote(unit, quote.id, None)
    unit.rollback()
    assert unit.session.scalar(select(Quote.status).where(Quote.id == quote.id)) == "sent"
    assert unit.session.scalars(select(Order)).all() == []


def test_bad_quote_lines_are_named(unit):
    with pytest.raises(ValidationFailed) as negative:
        load(QuoteInput(), {"currency": "EUR", "lines": [
            {"description": "x", "quantity": "-1", "unit_price": "1"}]})
    assert "quantity" in negative.value.errors["lines"][0]
    with pytest.raises(ValidationFailed) as unpriced:
        quotes.create_quote(unit, load(QuoteInput(), {"currency": "EUR", "lines": [
            {"description": "x", "quantity": "1"}]}))
    assert "unit_price" in unpriced.value.errors["lines"]["0"]


def test_a_quote_with_blank_references_has_none(unit):
    # A form's cleared choices: on PostgreSQL, "" failed the foreign keys.
    quote = quotes.create_quote(unit, load(QuoteInput(), {
        "currency": "EUR", "opportunity_id": "", "price_list_id": "", "account_id": "",
        "lines": [{"product_id": "", "description": "Setup", "quantity": "1",
                   "unit_price": "10"}]}))
    unit.commit()
    unit.session.expire_all()
    data = quotes.quote_data(quotes.get_quote(unit.session, quote.id))
    assert (data["opportunity_id"], data["price_list_id"], data["account_id"]) == (
        None, None, None)
    assert data["lines"][0]["product_id"] is None and data["total"] == "10.00"


def test_my_day_lists_overdue_first(unit):
    now = datetime.now(UTC)
    for subject, due in [("later today", now + timedelta(minutes=30)),
                         ("yesterday", now - timedelta(days=1)),
                         ("next week", now + timedelta(days=7)), ("undated", None)]:
        activities.create_activity(unit, load(ActivityInput(), {
            "type": "task", "subject": subject, "due_at": due.isoformat() if due else None}))
    done = activities.create_activity(unit, load(ActivityInput(), {
        "type": "call", "subject": "done already", "due_at": (now - timedelta(hours=2))
        .isoformat()}))
    unit.commit()
    activities.complete_activity(unit, done.id, None)
    unit.commit()
    day = activities.my_day(unit.session, "ann", now.date(), 100)
    # "later today" may fall on tomorrow near midnight UTC; the order is what matters.
    subjects = [item["subject"] for item in day["items"]]
    assert subjects[0] == "yesterday" and subjects[-1] == "undated"
    assert "next week" not in subjects and "done already" not in subjects
    assert day["overdue"] == 1 and day["items"][0]["overdue"] is True


def test_a_meeting_needs_its_times(unit):
    with pytest.raises(ValidationFailed) as missing:
        activities.create_activity(unit, load(ActivityInput(), {"type": "meeting",
                                                                "subject": "Demo"}))
    assert {"start_at", "end_at"} <= set(missing.value.errors)


def test_deals_are_found_by_name(unit):
    deal(unit, name="Globex 100% renewal")
    deal(unit, name="Initech")
    rows, _ = board.list_opportunities(unit.session, load(ListQuery(), {"q": "100%"}))
    assert [row.name for row in rows] == ["Globex 100% renewal"]
    rows, _ = board.list_opportunities(unit.session, load(ListQuery(), {"q": "_"}))
    assert rows == []


def test_two_writers_of_one_deal_the_second_gets_stale_version(unit_for):
    first, second = unit_for("ann"), unit_for("ann")
    created = deal(first)
    # Read before the change, and held: a session forgets the records nobody holds.
    read_early = opportunities.get_opportunity(second.session, created.id)  # noqa: F841
    opportunities.update_opportunity(first, created.id, {"name": "first"}, None)
    first.commit()
    with pytest.raises(StaleVersion):
        opportunities.update_opportunity(second, created.id, {"name": "second"}, None)


def test_a_draft_is_edited_and_recomputed_and_answers_end_the_lifecycle(unit):
    quote = quotes.create_quote(unit, load(QuoteInput(), {
        "currency": "EUR", "lines": [{"description": "A", "quantity": "1",
                                      "unit_price": "10"}]}))
    unit.commit()
    edited = quotes.update_quote(unit, quote.id, load(QuoteInput(), {"lines": [
        {"description": "A", "quantity": "2", "unit_price": "10", "tax_rate": "5.5"}]},
        partial=True), quote.version)
    unit.commit()
    assert quotes.quote_data(edited)["total"] == "21.10" and edited.version == 2
    quotes.send_quote(unit, quote.id, None)
    rejected = quotes.reject_quote(unit, quote.id, {"reason": "too dear"}, None)
    unit.commit()
    assert rejected.status == "rejected" and rejected.rejected_at is not None
    assert emitted(unit, "quote.rejected")[0]["reason"] == "too dear"
    for step in (lambda: quotes.accept_quote(unit, quote.id, None),
                 lambda: quotes.expire_quote(unit, quote.id, None),
                 lambda: quotes.delete_quote(unit, quote.id, None)):
        with pytest.raises(InvalidTransition):
            step()
        unit.rollback()
    draft = quotes.create_quote(unit, load(QuoteInput(), {"currency": "EUR"}))
    unit.commit()
    with pytest.raises(ValidationFailed, match="empty"):
        quotes.send_quote(unit, draft.id, None)
    unit.rollback()
    assert quotes.expire_quote(unit, draft.id, None).status == "expired"


def test_a_customers_view_sorts_each_list_and_leaves_out_others(unit):
    now = datetime.now(UTC)
    older = deal(unit, name="First deal", contact_id="c-1")
    newer = deal(unit, name="Second deal", contact_id="c-1")
    won = deal(unit, name="Won deal", contact_id="c-1")
    opportunities.win_opportunity(unit, won.id, None)
    deal(unit, name="Someone else's", contact_id="c-2")
    for subject, due in [("next week", now + timedelta(days=7)), ("undated", None),
                         ("tomorrow", now + timedelta(days=1))]:
        activities.create_activity(unit, load(ActivityInput(), {
            "type": "task", "subject": subject, "contact_id": "c-1",
            "due_at": due.isoformat() if due else None}))
    unit.commit()
    view = customer_view(unit.session, "contact_id", "c-1")
    assert [o["id"] for o in view["opportunities"]["open"]] == [newer.id, older.id]
    assert [o["id"] for o in view["opportunities"]["past"]] == [won.id]
    assert [a["subject"] for a in view["activities"]["upcoming"]] == [
        "tomorrow", "next week", "undated"]
    assert view["activities"]["recent"] == [] and view["quotes"] == view["orders"] == []
    assert customer_view(unit.session, "contact_id", "nobody") == {
        "opportunities": {"open": [], "past": []}, "quotes": [], "orders": [],
        "activities": {"upcoming": [], "recent": []}}


def test_erasure_scrubs_the_person_their_merged_records_and_notes_on_their_deals(unit):
    def activity(subject, **links):
        created = activities.create_activity(unit, load(ActivityInput(), {
            "type": "call", "subject": subject, "notes": f"{subject}: call +44 20 7946 0000",
            **links}))
        unit.commit()
        return created

    theirs = deal(unit, contact_id="ann")
    someone_elses = deal(unit, contact_id="bob")
    on_them = activity("Call Ann", contact_id="ann")
    # merged into "ann", and its contact.merged not yet taken in: still under its own id
    on_their_old_record = activity("Call Annie", contact_id="annie")
    on_their_deal = activity("Lunch with Ann", opportunity_id=theirs.id)
    kept = [activity("Call Bob", contact_id="bob"),
            activity("Bob's deal", opportunity_id=someone_elses.id)]

    handlers.anonymise_erased_contact(unit, {"contact_id": "ann", "merged_ids": ["annie"]})
    unit.commit()
    unit.session.expire_all()

    for scrubbed in (on_them, on_their_old_record, on_their_deal):
        row = unit.session.get(Activity, scrubbed.id)
        assert (row.subject, row.notes) == ("(erased)", None) and row.erased_at is not None
    assert [unit.session.get(Activity, row.id).subject for row in kept] == [
        "Call Bob", "Bob's deal"]
    # the deal itself is the company's: it keeps its name and its link
    assert unit.session.get(Opportunity, theirs.id).name == "Globex renewal"


def test_a_persons_data_is_every_record_naming_them_without_a_limit(unit):
    theirs = deal(unit, contact_id="ann")
    deal(unit, contact_id="bob")
    for subject, links in (("Call Ann", {"contact_id": "ann"}),
                           ("Lunch about the deal", {"opportunity_id": theirs.id}),
                           ("Call Bob", {"contact_id": "bob"})):
        activities.create_activity(unit, load(ActivityInput(), {
            "type": "call", "subject": subject, **links}))
    unit.commit()
    data = personal_data(unit.session, "ann")
    assert [d["id"] for d in data["opportunities"]] == [theirs.id]
    assert sorted(a["subject"] for a in data["activities"]) == [
        "Call Ann", "Lunch about the deal"]
    assert data["quotes"] == data["orders"] == []
