"""The sales service's entrypoints: validate, call the use case, commit, dump."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import eventlet
from nameko.timer import timer

from crm_chassis.consumer import consumes
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import ChangeCounts, EventLog, rpc
from crm_chassis.observability import Observability
from crm_chassis.races import retried_when_raced
from crm_chassis.timers import run_due
from sales import handlers, schemas
from sales.operations import (
    activities,
    board,
    catalog,
    customer,
    follow_ups,
    opportunities,
    pipelines,
    quotes,
)
from sales.operations.access import actor_id
from sales.schemas import load

log = logging.getLogger(__name__)

_pipeline_in = schemas.PipelineInput()
_opportunity_in = schemas.OpportunityInput()
_move_in = schemas.MoveInput()
_lose_in = schemas.LoseInput()
_reopen_in = schemas.ReopenInput()
_product_in = schemas.ProductInput()
_price_list_in = schemas.PriceListInput()
_price_in = schemas.PriceInput()
_price_key_in = schemas.PriceKey()
_quote_in = schemas.QuoteInput()
_reject_in = schemas.RejectInput()
_activity_in = schemas.ActivityInput()
_my_day_in = schemas.MyDayQuery()
_list_in = schemas.ListQuery()
_board_in = schemas.BoardQuery()
_forecast_in = schemas.ForecastQuery()

FOLLOW_UP_TICK_SECONDS = 1.0


def _listed(rows_and_cursor, dump) -> dict[str, Any]:
    rows, cursor = rows_and_cursor
    return {"items": [dump(row) for row in rows], "next_cursor": cursor}


class SalesService(EventLog, ChangeCounts):
    name = "sales"

    db = Database("sales")
    observability = Observability("sales")

    # --- pipelines --------------------------------------------------------------------------

    @rpc
    def list_pipelines(self) -> dict[str, Any]:
        rows = pipelines.list_pipelines(self.db.session)
        return {"items": [pipelines.pipeline_data(row) for row in rows], "next_cursor": None}

    @rpc
    def get_pipeline(self, pipeline_id: str) -> dict[str, Any]:
        return pipelines.pipeline_data(pipelines.get_pipeline(self.db.session, pipeline_id))

    @rpc
    @retried_when_raced
    def create_pipeline(self, data: dict[str, Any]) -> dict[str, Any]:
        pipeline = pipelines.create_pipeline(self.db, load(_pipeline_in, data))
        self.db.commit()
        return pipelines.pipeline_data(pipeline)

    @rpc
    def update_pipeline(self, pipeline_id: str, data: dict[str, Any],
                        expected_version: int | None = None) -> dict[str, Any]:
        pipeline = pipelines.update_pipeline(self.db, pipeline_id,
                                             load(_pipeline_in, data, partial=True),
                                             expected_version)
        self.db.commit()
        return pipelines.pipeline_data(pipeline)

    @rpc
    def delete_pipeline(self, pipeline_id: str, expected_version: int | None = None) -> None:
        pipelines.delete_pipeline(self.db, pipeline_id, expected_version)
        self.db.commit()

    # --- opportunities ----------------------------------------------------------------------

    @rpc
    def create_opportunity(self, data: dict[str, Any]) -> dict[str, Any]:
        deal = opportunities.create_opportunity(self.db, load(_opportunity_in, data))
        self.db.commit()
        return opportunities.opportunity_data(deal)

    @rpc
    def get_opportunity(self, opportunity_id: str) -> dict[str, Any]:
        return opportunities.opportunity_data(
            opportunities.get_opportunity(self.db.session, opportunity_id))

    @rpc
    def update_opportunity(self, opportunity_id: str, data: dict[str, Any],
                           expected_version: int | None = None) -> dict[str, Any]:
        deal = opportunities.update_opportunity(self.db, opportunity_id,
                                                load(_opportunity_in, data, partial=True),
                                                expected_version)
        self.db.commit()
        return opportunities.opportunity_data(deal)

    @rpc
    def move_opportunity(self, opportunity_id: str, data: dict[str, Any],
                         expected_version: int | None = None) -> dict[str, Any]:
        moved = opportunities.move_opportunity(self.db, opportunity_id, load(_move_in, data),
                                               expected_version)
        self.db.commit()
        return moved

    @rpc
    def win_opportunity(self, opportunity_id: str,
                        expected_version: int | None = None) -> dict[str, Any]:
        deal = opportunities.win_opportunity(self.db, opportunity_id, expected_version)
        self.db.commit()
        return opportunities.opportunity_data(deal)

    @rpc
    def lose_opportunity(self, opportunity_id: str, data: dict[str, Any],
                         expected_version: int | None = None) -> dict[str, Any]:
        deal = opportunities.lose_opportunity(self.db, opportunity_id, load(_lose_in, data),
                                              expected_version)
        self.db.commit()
        return opportunities.opportunity_data(deal)

    @rpc
    def reopen_opportunity(self, opportunity_id: str, data: dict[str, Any] | None = None,
                           expected_version: int | None = None) -> dict[str, Any]:
        deal = opportunities.reopen_opportunity(self.db, opportunity_id,
                                                load(_reopen_in, data or {}), expected_version)
        self.db.commit()
        return opportunities.opportunity_data(deal)

    @rpc
    def delete_opportunity(self, opportunity_id: str,
                           expected_version: int | None = None) -> None:
        opportunities.delete_opportunity(self.db, opportunity_id, expected_version)
        self.db.commit()

    @rpc
    def list_opportunities(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _listed(board.list_opportunities(self.db.session, load(_list_in, query or {})),
                       opportunities.opportunity_data)

    @rpc
    def opportunity_board(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return board.board(self.db.session, load(_board_in, query or {}),
                           opportunities.opportunity_data)

    @rpc
    def stage_history(self, opportunity_id: str) -> list[dict[str, Any]]:
        return opportunities.stage_history(self.db.session, opportunity_id)

    @rpc
    def forecast(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return board.forecast_of(self.db.session, load(_forecast_in, query or {}))

    # --- products and price lists -----------------------------------------------------------

    @rpc
    def create_product(self, data: dict[str, Any]) -> dict[str, Any]:
        product = catalog.create_product(self.db, load(_product_in, data))
        self.db.commit()
        return catalog.product_data(product)

    @rpc
    def get_product(self, product_id: str) -> dict[str, Any]:
        return catalog.product_data(catalog.get_product(self.db.session, product_id))

    @rpc
    def update_product(self, product_id: str, data: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        product = catalog.update_product(self.db, product_id,
                                         load(_product_in, data, partial=True),
                                         expected_version)
        self.db.commit()
        return catalog.product_data(product)

    @rpc
    def delete_product(self, product_id: str, expected_version: int | None = None) -> None:
        catalog.delete_product(self.db, product_id, expected_version)
        self.db.commit()

    @rpc
    def list_products(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _listed(catalog.list_products(self.db.session, load(_list_in, query or {})),
                       catalog.product_data)

    @rpc
    def create_price_list(self, data: dict[str, Any]) -> dict[str, Any]:
        price_list = catalog.create_price_list(self.db, load(_price_list_in, data))
        self.db.commit()
        return catalog.price_list_data(price_list)

    @rpc
    def get_price_list(self, price_list_id: str) -> dict[str, Any]:
        return catalog.price_list_data(catalog.get_price_list(self.db.session, price_list_id))

    @rpc
    def update_price_list(self, price_list_id: str, data: dict[str, Any],
                          expected_version: int | None = None) -> dict[str, Any]:
        price_list = catalog.update_price_list(self.db, price_list_id,
                                               load(_price_list_in, data, partial=True),
                                               expected_version)
        self.db.commit()
        return catalog.price_list_data(price_list)

    @rpc
    def delete_price_list(self, price_list_id: str,
                          expected_version: int | None = None) -> None:
        catalog.delete_price_list(self.db, price_list_id, expected_version)
        self.db.commit()

    @rpc
    def list_price_lists(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _listed(catalog.list_price_lists(self.db.session, load(_list_in, query or {})),
                       lambda row: catalog.price_list_data(row, prices=False))

    @rpc
    @retried_when_raced
    def set_price(self, price_list_id: str, data: dict[str, Any]) -> dict[str, Any]:
        price_list = catalog.set_price(self.db, price_list_id, load(_price_in, data))
        self.db.commit()
        return catalog.price_list_data(price_list)

    @rpc
    @retried_when_raced
    def remove_price(self, price_list_id: str, data: dict[str, Any]) -> dict[str, Any]:
        price_list = catalog.remove_price(self.db, price_list_id, load(_price_key_in, data))
        self.db.commit()
        return catalog.price_list_data(price_list)

    # --- quotes and orders ------------------------------------------------------------------

    @rpc
    def create_quote(self, data: dict[str, Any]) -> dict[str, Any]:
        quote = quotes.create_quote(self.db, load(_quote_in, data))
        self.db.commit()
        return quotes.quote_data(quote)

    @rpc
    def get_quote(self, quote_id: str) -> dict[str, Any]:
        return quotes.quote_data(quotes.get_quote(self.db.session, quote_id))

    @rpc
    def update_quote(self, quote_id: str, data: dict[str, Any],
                     expected_version: int | None = None) -> dict[str, Any]:
        quote = quotes.update_quote(self.db, quote_id, load(_quote_in, data, partial=True),
                                    expected_version)
        self.db.commit()
        return quotes.quote_data(quote)

    @rpc
    def send_quote(self, quote_id: str, expected_version: int | None = None) -> dict[str, Any]:
        quote = quotes.send_quote(self.db, quote_id, expected_version)
        self.db.commit()
        return quotes.quote_data(quote)

    @rpc
    def accept_quote(self, quote_id: str,
                     expected_version: int | None = None) -> dict[str, Any]:
        quote = quotes.accept_quote(self.db, quote_id, expected_version)
        self.db.commit()
        return quotes.quote_data(quote)

    @rpc
    def reject_quote(self, quote_id: str, data: dict[str, Any] | None = None,
                     expected_version: int | None = None) -> dict[str, Any]:
        quote = quotes.reject_quote(self.db, quote_id, load(_reject_in, data or {}),
                                    expected_version)
        self.db.commit()
        return quotes.quote_data(quote)

    @rpc
    def expire_quote(self, quote_id: str,
                     expected_version: int | None = None) -> dict[str, Any]:
        quote = quotes.expire_quote(self.db, quote_id, expected_version)
        self.db.commit()
        return quotes.quote_data(quote)

    @rpc
    def delete_quote(self, quote_id: str, expected_version: int | None = None) -> None:
        quotes.delete_quote(self.db, quote_id, expected_version)
        self.db.commit()

    @rpc
    def list_quotes(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _listed(quotes.list_quotes(self.db.session, load(_list_in, query or {})),
                       quotes.quote_data)

    @rpc
    def get_order(self, order_id: str) -> dict[str, Any]:
        return quotes.order_data(quotes.get_order(self.db.session, order_id))

    @rpc
    def list_orders(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _listed(quotes.list_orders(self.db.session, load(_list_in, query or {})),
                       quotes.order_data)

    # --- activities -------------------------------------------------------------------------

    @rpc
    def create_activity(self, data: dict[str, Any]) -> dict[str, Any]:
        activity = activities.create_activity(self.db, load(_activity_in, data))
        self.db.commit()
        return activities.activity_data(activity)

    @rpc
    def get_activity(self, activity_id: str) -> dict[str, Any]:
        return activities.activity_data(activities.get_activity(self.db.session, activity_id))

    @rpc
    def update_activity(self, activity_id: str, data: dict[str, Any],
                        expected_version: int | None = None) -> dict[str, Any]:
        activity = activities.update_activity(self.db, activity_id,
                                              load(_activity_in, data, partial=True),
                                              expected_version)
        self.db.commit()
        return activities.activity_data(activity)

    @rpc
    def complete_activity(self, activity_id: str,
                          expected_version: int | None = None) -> dict[str, Any]:
        activity = activities.complete_activity(self.db, activity_id, expected_version)
        self.db.commit()
        return activities.activity_data(activity)

    @rpc
    def delete_activity(self, activity_id: str, expected_version: int | None = None) -> None:
        activities.delete_activity(self.db, activity_id, expected_version)
        self.db.commit()

    @rpc
    def list_activities(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _listed(activities.list_activities(self.db.session, load(_list_in, query or {})),
                       activities.activity_data)

    @rpc
    def my_day(self, user_id: str | None = None, day: str | None = None,
               limit: int = 100) -> dict[str, Any]:
        query = load(_my_day_in, {"user_id": user_id, "day": day, "limit": limit})
        return activities.my_day(self.db.session, query["user_id"] or actor_id(self.db),
                                 query["day"] or datetime.now(UTC).date(), query["limit"])

    @rpc
    def activity_calendar(self, user_id: str) -> str:
        return activities.calendar_feed(self.db.session, user_id)

    # --- customer 360 -----------------------------------------------------------------------

    @rpc
    def contact_360(self, contact_id: str) -> dict[str, Any]:
        return customer.customer_view(self.db.session, "contact_id", contact_id)

    @rpc
    def account_360(self, account_id: str) -> dict[str, Any]:
        return customer.customer_view(self.db.session, "account_id", account_id)

    @rpc
    def gdpr_export(self, contact_id: str) -> dict[str, Any]:
        return customer.personal_data(self.db.session, str(contact_id))

    # --- follow-up rules --------------------------------------------------------------------

    @timer(interval=FOLLOW_UP_TICK_SECONDS)
    def run_follow_ups(self) -> None:
        """Claim due follow-ups and perform each in its own transaction (see
        operations/follow_ups.py): every replica runs this, none does a row twice."""
        config = follow_ups.settings()
        if not config.enabled:
            return
        run_due(self.db, follow_ups.claim_due(self.db.session, config),
                lambda uow, row_id, token: follow_ups.perform(uow, row_id, token, config),
                follow_ups.record_failure, pause=lambda: eventlet.sleep(0),
                what="follow-up")

    # --- reactions to the contacts service --------------------------------------------------

    @consumes("contacts", "contact.merged")
    def repoint_merged_contact(self, event: dict[str, Any]) -> None:
        handlers.repoint_merged_contact(self.db, event["data"])

    @consumes("contacts", "contact.erased")
    def anonymise_erased_contact(self, event: dict[str, Any]) -> None:
        handlers.anonymise_erased_contact(self.db, event["data"])

    @consumes("support", "ticket.upsell_flagged")
    def open_upsell_lead(self, event: dict[str, Any]) -> None:
        handlers.open_upsell_lead(self.db, event["data"])

    @consumes("marketing", "scenario.task_requested")
    def add_scenario_task(self, event: dict[str, Any]) -> None:
        handlers.add_scenario_task(self.db, event["data"])

    @consumes("marketing", "lead.qualified")
    def open_marketing_lead(self, event: dict[str, Any]) -> None:
        handlers.open_marketing_lead(self.db, event["data"])
