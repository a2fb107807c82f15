"""Quotes, from draft to sent to accepted (which makes an order), rejected or expired; and
the orders accepted quotes made."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.sales_schemas import (
    ORDER_FILTERS,
    QUOTE_FILTERS,
    OrderFilters,
    OrderOut,
    QuoteFilters,
    QuoteIn,
    QuoteOut,
    QuotePatch,
    RejectIn,
)
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("quotes", __name__, url_prefix="/api/v1", description="Quotes and orders")
QuotePage = page_schema(QuoteOut, "QuotePage")
OrderPage = page_schema(OrderOut, "OrderPage")


# --- quotes ---------------------------------------------------------------------------------

@blp.route("/quotes", methods=["GET"])
@requires("sales:read")
@blp.arguments(QuoteFilters, location="query", unknown=RAISE)
@blp.response(200, QuotePage)
def list_quotes(args):
    """Quotes, newest first."""
    return services.call("sales", "list_quotes", list_query(args, QUOTE_FILTERS))


@blp.route("/quotes", methods=["POST"])
@requires("sales:write")
@blp.arguments(QuoteIn)
@blp.response(201, QuoteOut)
def create_quote(data):
    """A draft quote. A line without `unit_price` takes the price list's; totals are
    computed per line, rounded half-up to the currency's minor unit."""
    quote = services.call("sales", "create_quote", data)
    g.resource_id = quote["id"]
    return with_etag(quote, 201, f"/api/v1/quotes/{quote['id']}")


@blp.route("/quotes/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, QuoteOut)
def get_quote(item_id):
    return with_etag(services.call("sales", "get_quote", item_id))


@blp.route("/quotes/<item_id>", methods=["PATCH"])
@requires("sales:write")
@blp.arguments(QuotePatch)
@blp.response(200, QuoteOut)
def update_quote(data, item_id):
    """Change a draft (409 once sent); `lines`, when sent, replaces every line. Send
    If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("sales", "update_quote", item_id, data,
                                   expected_version()))


@blp.route("/quotes/<item_id>", methods=["DELETE"])
@requires("sales:write")
@blp.response(204)
def delete_quote(item_id):
    """Only a draft (409 otherwise)."""
    services.call("sales", "delete_quote", item_id, expected_version())


@blp.route("/quotes/<item_id>/send", methods=["POST"])
@requires("sales:write")
@blp.response(200, QuoteOut)
def send_quote(item_id):
    """Draft to sent; a follow-up task is scheduled for its owner."""
    return with_etag(services.call("sales", "send_quote", item_id, expected_version()))


@blp.route("/quotes/<item_id>/accept", methods=["POST"])
@requires("sales:write")
@blp.response(200, QuoteOut)
def accept_quote(item_id):
    """Sent to accepted, which creates the order (`order_id`). A quote not sent, or past
    its `valid_until`, is 409 and nothing is written."""
    return with_etag(services.call("sales", "accept_quote", item_id, expected_version()))


@blp.route("/quotes/<item_id>/reject", methods=["POST"])
@requires("sales:write")
@blp.arguments(RejectIn)
@blp.response(200, QuoteOut)
def reject_quote(data, item_id):
    """Sent to rejected, with an optional `reason`."""
    return with_etag(services.call("sales", "reject_quote", item_id, data,
                                   expected_version()))


@blp.route("/quotes/<item_id>/expire", methods=["POST"])
@requires("sales:write")
@blp.response(200, QuoteOut)
def expire_quote(item_id):
    """Withdraw a draft or sent quote (a sent one also expires by itself after its
    `valid_until` day)."""
    return with_etag(services.call("sales", "expire_quote", item_id, expected_version()))


# --- orders ---------------------------------------------------------------------------------

@blp.route("/orders", methods=["GET"])
@requires("sales:read")
@blp.arguments(OrderFilters, location="query", unknown=RAISE)
@blp.response(200, OrderPage)
def list_orders(args):
    """Orders, newest first; an order is made by accepting a quote."""
    return services.call("sales", "list_orders", list_query(args, ORDER_FILTERS))


@blp.route("/orders/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, OrderOut)
def get_order(item_id):
    return with_etag(services.call("sales", "get_order", item_id))
