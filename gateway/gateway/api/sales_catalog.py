"""The catalogue: products and the price lists that price them per currency."""

from __future__ import annotations

import re

from flask import g
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.sales_schemas import (
    PRICE_LIST_FILTERS,
    PRODUCT_FILTERS,
    PriceIn,
    PriceListFilters,
    PriceListIn,
    PriceListOut,
    PriceListPatch,
    ProductFilters,
    ProductIn,
    ProductOut,
    ProductPatch,
)
from gateway.errors import Problem
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("catalog", __name__, url_prefix="/api/v1",
                description="Products and price lists")
ProductPage = page_schema(ProductOut, "ProductPage")
PriceListPage = page_schema(PriceListOut, "PriceListPage")

_CURRENCY = re.compile(r"^[A-Z]{3}$")


# --- products -------------------------------------------------------------------------------

@blp.route("/products", methods=["GET"])
@requires("sales:read")
@blp.arguments(ProductFilters, location="query", unknown=RAISE)
@blp.response(200, ProductPage)
def list_products(args):
    """Products, newest first; `q` searches names and skus."""
    return services.call("sales", "list_products", list_query(args, PRODUCT_FILTERS))


@blp.route("/products", methods=["POST"])
@requires("catalog:write")
@blp.arguments(ProductIn)
@blp.response(201, ProductOut)
def create_product(data):
    """A product; its `sku` is unique (409 when taken)."""
    product = services.call("sales", "create_product", data)
    g.resource_id = product["id"]
    return with_etag(product, 201, f"/api/v1/products/{product['id']}")


@blp.route("/products/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, ProductOut)
def get_product(item_id):
    return with_etag(services.call("sales", "get_product", item_id))


@blp.route("/products/<item_id>", methods=["PATCH"])
@requires("catalog:write")
@blp.arguments(ProductPatch)
@blp.response(200, ProductOut)
def update_product(data, item_id):
    """Change some fields; send If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("sales", "update_product", item_id, data,
                                   expected_version()))


@blp.route("/products/<item_id>", methods=["DELETE"])
@requires("catalog:write")
@blp.response(204)
def delete_product(item_id):
    """Quotes and orders keep the lines that name it; its sku is free again."""
    services.call("sales", "delete_product", item_id, expected_version())


# --- price lists ----------------------------------------------------------------------------

@blp.route("/price-lists", methods=["GET"])
@requires("sales:read")
@blp.arguments(PriceListFilters, location="query", unknown=RAISE)
@blp.response(200, PriceListPage)
def list_price_lists(args):
    """Price lists, newest first, without their prices (read one to see them)."""
    return services.call("sales", "list_price_lists", list_query(args, PRICE_LIST_FILTERS))


@blp.route("/price-lists", methods=["POST"])
@requires("catalog:write")
@blp.arguments(PriceListIn)
@blp.response(201, PriceListOut)
def create_price_list(data):
    price_list = services.call("sales", "create_price_list", data)
    g.resource_id = price_list["id"]
    return with_etag(price_list, 201, f"/api/v1/price-lists/{price_list['id']}")


@blp.route("/price-lists/<item_id>", methods=["GET"])
@requires("sales:read")
@blp.response(200, PriceListOut)
def get_price_list(item_id):
    """The price list with its prices."""
    return with_etag(services.call("sales", "get_price_list", item_id))


@blp.route("/price-lists/<item_id>", methods=["PATCH"])
@requires("catalog:write")
@blp.arguments(PriceListPatch)
@blp.response(200, PriceListOut)
def update_price_list(data, item_id):
    """Change some fields; send If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("sales", "update_price_list", item_id, data,
                                   expected_version()))


@blp.route("/price-lists/<item_id>", methods=["DELETE"])
@requires("catalog:write")
@blp.response(204)
def delete_price_list(item_id):
    services.call("sales", "delete_price_list", item_id, expected_version())


@blp.route("/price-lists/<item_id>/prices/<product_id>/<currency>", methods=["PUT"])
@requires("catalog:write")
@blp.arguments(PriceIn)
@blp.response(200, PriceListOut)
def set_price(data, item_id, product_id, currency):
    """Set the list's unit price of a product in a currency (ISO 4217, e.g. EUR),
    replacing any before it. Answers the price list with its prices."""
    return with_etag(services.call("sales", "set_price", item_id, {
        "product_id": product_id, "currency": _currency(currency), **data}))


@blp.route("/price-lists/<item_id>/prices/<product_id>/<currency>", methods=["DELETE"])
@requires("catalog:write")
@blp.response(200, PriceListOut)
def remove_price(item_id, product_id, currency):
    """Remove the list's price of a product in a currency. Answers the price list with
    the prices left."""
    return with_etag(services.call("sales", "remove_price", item_id, {
        "product_id": product_id, "currency": _currency(currency)}))


def _currency(code: str) -> str:
    if not _CURRENCY.match(code):
        raise Problem(422, "Invalid input", "the input is not valid",
                      errors={"currency": ["an ISO 4217 currency code, e.g. EUR"]})
    return code
