"""Products and price lists: a price per product, per list and per currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from crm_chassis.listing import like_escape
from sales.exceptions import Conflict, NotFound
from sales.models import Price, PriceList, Product, new_id, now
from sales.operations import listing
from sales.operations.common import apply, check_version, flush, get_live, soft_delete
from sales.schemas import PriceListOutput, ProductOutput

PRODUCT_FIELDS = ("sku", "name", "description", "unit", "active")
PRICE_LIST_FIELDS = ("name", "description", "active")
SORTS = {"created_at", "updated_at", "name"}

_product_out = ProductOutput()
_price_list_out = PriceListOutput()


def product_data(product: Product) -> dict[str, Any]:
    return _product_out.dump(product)


def price_list_data(price_list: PriceList, prices: bool = True) -> dict[str, Any]:
    data = _price_list_out.dump(price_list)
    if not prices:
        data.pop("prices")
    return data


def get_product(session: Session, product_id: str) -> Product:
    return get_live(session, Product, product_id, "product")


def create_product(uow, data: dict[str, Any]) -> Product:
    values = {name: data[name] for name in PRODUCT_FIELDS if name in data}
    values["sku"] = values["sku"].strip()
    _check_sku(uow.session, values["sku"])
    moment = now()
    product = Product(id=new_id(), created_at=moment, updated_at=moment,
                      **{"active": True, **values})
    uow.session.add(product)
    flush(uow.session)
    return product


def update_product(uow, product_id: str, data: dict[str, Any],
                   expected_version: int | None) -> Product:
    product = get_product(uow.session, product_id)
    check_version(product, expected_version)
    values = {name: data[name] for name in PRODUCT_FIELDS if name in data}
    if "sku" in values and values["sku"].strip() != product.sku:
        values["sku"] = values["sku"].strip()
        _check_sku(uow.session, values["sku"])
    if apply(product, values):
        flush(uow.session)
    return product


def delete_product(uow, product_id: str, expected_version: int | None) -> None:
    product = get_product(uow.session, product_id)
    # Its sku is freed for a new product; quotes and orders keep the old one's id.
    product.sku = f"{product.sku}~deleted~{product.id}"[:64]
    soft_delete(uow, product, expected_version)


def list_products(session: Session, query: dict[str, Any]) -> tuple[list[Product], str | None]:
    conditions = [Product.deleted_at.is_(None)]
    conditions += listing.conditions_for(query["filters"], {
        "active": lambda v: Product.active.is_(listing.parse_bool(v, "active")),
        "sku": listing.equals(Product.sku)})
    if text := (query.get("q") or "").strip().lower():
        like = f"%{like_escape(text)}%"
        conditions.append(or_(func.lower(Product.name).like(like, escape="\\"),
                              func.lower(Product.sku).like(like, escape="\\")))
    return listing.page(session, Product, conditions, query, SORTS | {"sku"})


def _check_sku(session: Session, sku: str) -> None:
    if session.scalar(select(Product.id).where(Product.sku == sku)):
        raise Conflict(f"the sku {sku!r} is taken")


# --- price lists ----------------------------------------------------------------------------

def get_price_list(session: Session, price_list_id: str) -> PriceList:
    return get_live(session, PriceList, price_list_id, "price list")


def create_price_list(uow, data: dict[str, Any]) -> PriceList:
    moment = now()
    values = {name: data[name] for name in PRICE_LIST_FIELDS if name in data}
    price_list = PriceList(id=new_id(), created_at=moment, updated_at=moment,
                           **{"active": True, **values})
    uow.session.add(price_list)
    flush(uow.session)
    return price_list


def update_price_list(uow, price_list_id: str, data: dict[str, Any],
                      expected_version: int | None) -> PriceList:
    price_list = get_price_list(uow.session, price_list_id)
    check_version(price_list, expected_version)
    if apply(price_list, {name: data[name] for name in PRICE_LIST_FIELDS if name in data}):
        flush(uow.session)
    return price_list


def delete_price_list(uow, price_list_id: str, expected_version: int | None) -> None:
    soft_delete(uow, get_price_list(uow.session, price_list_id), expected_version)


def list_price_lists(session: Session,
                     query: dict[str, Any]) -> tuple[list[PriceList], str | None]:
    conditions = [PriceList.deleted_at.is_(None)]
    conditions += listing.conditions_for(query["filters"], {
        "active": lambda v: PriceList.active.is_(listing.parse_bool(v, "active"))})
    return listing.page(session, PriceList, conditions, query, SORTS)


def set_price(uow, price_list_id: str, data: dict[str, Any]) -> PriceList:
    price_list = get_price_list(uow.session, price_list_id)
    get_product(uow.session, data["product_id"])
    from sales.operations.opportunities import check_precision

    unit_price = Decimal(data["unit_price"])
    check_precision(unit_price, "CLF", "unit_price")  # 4 decimals, the finest minor unit
    price = uow.session.get(Price, (price_list.id, data["product_id"], data["currency"]))
    if price is None:
        price_list.prices.append(Price(product_id=data["product_id"],
                                       currency=data["currency"], unit_price=unit_price))
    else:
        price.unit_price = unit_price
    price_list.updated_at = now()
    flush(uow.session)
    return price_list


def remove_price(uow, price_list_id: str, data: dict[str, Any]) -> PriceList:
    price_list = get_price_list(uow.session, price_list_id)
    price = uow.session.get(Price, (price_list.id, data["product_id"], data["currency"]))
    if price is None:
        raise NotFound(f"no {data['currency']} price of {data['product_id']} in this list")
    price_list.prices.remove(price)
    price_list.updated_at = now()
    flush(uow.session)
    return price_list


def list_price(session: Session, price_list_id: str, product_id: str,
               currency: str) -> Decimal | None:
    price = session.get(Price, (price_list_id, product_id, currency))
    return None if price is None else Decimal(price.unit_price)
