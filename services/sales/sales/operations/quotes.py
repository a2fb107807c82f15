"""Quotes with lines and totals, their lifecycle, and the order an accepted quote becomes."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from sales.domain import follow_ups as rules
from sales.domain.quotes import (
    Line,
    TransitionRefused,
    check_quote_transition,
    line_amounts,
    quote_totals,
)
from sales.exceptions import InvalidTransition, NotFound, ValidationFailed
from sales.models import Order, Quote, QuoteLine, new_id, now
from sales.operations import listing
from sales.operations.access import actor_id
from sales.operations.catalog import get_price_list, get_product, list_price
from sales.operations.common import apply, check_version, flush, get_live, soft_delete
from sales.operations.follow_ups import schedule, settings
from sales.operations.opportunities import get_opportunity
from sales.schemas import OrderOutput, QuoteOutput, line_data

FIELDS = ("currency", "opportunity_id", "account_id", "contact_id", "owner_id",
          "price_list_id", "valid_until", "notes")
SORTS = {"created_at", "updated_at"}

_quote_out = QuoteOutput()
_order_out = OrderOutput()


def quote_data(quote: Quote) -> dict[str, Any]:
    return _quote_out.dump(quote)


def order_data(order: Order) -> dict[str, Any]:
    return _order_out.dump(order)


def get_quote(session: Session, quote_id: str) -> Quote:
    return get_live(session, Quote, quote_id, "quote")


def get_order(session: Session, order_id: str) -> Order:
    return get_live(session, Order, order_id, "order")


def create_quote(uow, data: dict[str, Any]) -> Quote:
    values = {name: data[name] for name in FIELDS if name in data}
    _link_opportunity(uow, values)
    values["owner_id"] = values.get("owner_id") or actor_id(uow)
    moment = now()
    quote_id = new_id()
    quote = Quote(id=quote_id, version=1, status="draft", created_at=moment, updated_at=moment,
                  number=f"Q-{moment:%Y%m%d}-{quote_id[:8].upper()}", **values)
    _set_lines(uow.session, quote, data.get("lines") or [])
    uow.session.add(quote)
    flush(uow.session)
    return quote


def update_quote(uow, quote_id: str, data: dict[str, Any],
                 expected_version: int | None) -> Quote:
    quote = get_quote(uow.session, quote_id)
    check_version(quote, expected_version)
    if quote.status != "draft":
        raise InvalidTransition(f"a {quote.status} quote cannot be edited: only a draft can")
    values = {name: data[name] for name in FIELDS if name in data}
    if values.get("opportunity_id"):
        _link_opportunity(uow, values)
    changed = apply(quote, values)
    if "lines" in data or "currency" in changed or "price_list_id" in changed:
        lines = data["lines"] if "lines" in data else [_line_input(line) for line in quote.lines]
        _set_lines(uow.session, quote, lines)
        quote.updated_at = now()
    flush(uow.session)
    return quote


def send_quote(uow, quote_id: str, expected_version: int | None) -> Quote:
    quote = _transition(uow, quote_id, "sent", expected_version)
    if not quote.lines:
        raise ValidationFailed("an empty quote cannot be sent", {"lines": ["add a line"]})
    quote.sent_at = quote.updated_at
    key, due = rules.quote_follow_up(quote.id, quote.sent_at, settings())
    schedule(uow.session, rules.QUOTE_FOLLOW_UP, quote.id, key, due)
    if (expiry := rules.quote_expiry(quote.id, quote.valid_until)) is not None:
        schedule(uow.session, rules.QUOTE_EXPIRY, quote.id, *expiry)
    flush(uow.session)
    uow.emit("quote.sent", {"quote": quote_data(quote), "changed_by": actor_id(uow)})
    return quote


def accept_quote(uow, quote_id: str, expected_version: int | None) -> Quote:
    quote = get_quote(uow.session, quote_id)
    if quote.valid_until is not None and quote.valid_until < now().astimezone(UTC).date():
        raise InvalidTransition(f"the quote expired on {quote.valid_until.isoformat()}: "
                                "send a new one")
    quote = _transition(uow, quote_id, "accepted", expected_version)
    quote.accepted_at = quote.updated_at
    order = _order_from(quote)
    uow.session.add(order)
    quote.order_id = order.id
    flush(uow.session)
    changed_by = actor_id(uow)
    uow.emit("quote.accepted", {"quote": quote_data(quote), "order_id": order.id,
                                "changed_by": changed_by})
    uow.emit("order.created", {"order": order_data(order), "changed_by": changed_by})
    return quote


def reject_quote(uow, quote_id: str, data: dict[str, Any],
                 expected_version: int | None) -> Quote:
    quote = _transition(uow, quote_id, "rejected", expected_version)
    quote.rejected_at = quote.updated_at
    quote.rejection_reason = data.get("reason")
    flush(uow.session)
    uow.emit("quote.rejected", {"quote": quote_data(quote), "reason": quote.rejection_reason,
                                "changed_by": actor_id(uow)})
    return quote


def expire_quote(uow, quote_id: str, expected_version: int | None) -> Quote:
    quote = _transition(uow, quote_id, "expired", expected_version)
    quote.expired_at = quote.updated_at
    flush(uow.session)
    uow.emit("quote.expired", {"quote": quote_data(quote), "changed_by": actor_id(uow)})
    return quote


def delete_quote(uow, quote_id: str, expected_version: int | None) -> None:
    quote = get_quote(uow.session, quote_id)
    if quote.status != "draft":
        raise InvalidTransition(f"a {quote.status} quote is kept: only a draft can be deleted")
    soft_delete(uow, quote, expected_version)


def list_quotes(session: Session, query: dict[str, Any]) -> tuple[list[Quote], str | None]:
    conditions = [Quote.deleted_at.is_(None)]
    conditions += listing.conditions_for(query["filters"], {
        name: listing.equals(getattr(Quote, name)) for name in
        ("status", "opportunity_id", "account_id", "contact_id", "owner_id", "currency")})
    return listing.page(session, Quote, conditions, query, SORTS)


def list_orders(session: Session, query: dict[str, Any]) -> tuple[list[Order], str | None]:
    conditions = [Order.deleted_at.is_(None)]
    conditions += listing.conditions_for(query["filters"], {
        name: listing.equals(getattr(Order, name)) for name in
        ("opportunity_id", "account_id", "contact_id", "owner_id", "currency", "quote_id")})
    return listing.page(session, Order, conditions, query, SORTS | {"ordered_at"})


# --- helpers --------------------------------------------------------------------------------

def _transition(uow, quote_id: str, target: str, expected_version: int | None) -> Quote:
    quote = get_quote(uow.session, quote_id)
    check_version(quote, expected_version)
    try:
        check_quote_transition(quote.status, target)
    except TransitionRefused as exc:
        raise InvalidTransition(str(exc)) from None
    quote.status = target
    quote.updated_at = now()
    return quote


def _link_opportunity(uow, values: dict[str, Any]) -> None:
    """A quote for a deal takes the deal's account, contact and owner unless given."""
    if not values.get("opportunity_id"):
        return
    try:
        deal = get_opportunity(uow.session, values["opportunity_id"])
    except NotFound:
        raise ValidationFailed("unknown opportunity", {"opportunity_id": [
            f"no opportunity {values['opportunity_id']}"]}) from None
    for name in ("account_id", "contact_id", "owner_id"):
        if not values.get(name):
            values[name] = getattr(deal, name)


def _line_input(line: QuoteLine) -> dict[str, Any]:
    return {"product_id": line.product_id, "description": line.description,
            "quantity": line.quantity, "unit_price": line.unit_price,
            "discount_percent": line.discount_percent, "tax_rate": line.tax_rate}


def _set_lines(session: Session, quote: Quote, items: list[dict[str, Any]]) -> None:
    if quote.price_list_id:
        try:
            get_price_list(session, quote.price_list_id)
        except NotFound:
            raise ValidationFailed("unknown price list", {"price_list_id": [
                f"no price list {quote.price_list_id}"]}) from None
    errors: dict[str, Any] = {}
    lines: list[QuoteLine] = []
    for position, item in enumerate(items):
        try:
            lines.append(_line(session, quote, position, item))
        except ValueError as exc:
            errors[str(position)] = {"_schema": [str(exc)]}
        except ValidationFailed as exc:
            errors[str(position)] = exc.errors
    if errors:
        raise ValidationFailed("the quote's lines are not valid", {"lines": errors})
    quote.lines[:] = lines
    totals = quote_totals([_domain_line(line) for line in lines], quote.currency)
    quote.subtotal, quote.discount_total = totals.subtotal, totals.discount_total
    quote.net_total, quote.tax_total, quote.total = (totals.net_total, totals.tax_total,
                                                     totals.total)


def _line(session: Session, quote: Quote, position: int, item: dict[str, Any]) -> QuoteLine:
    product = get_product(session, item["product_id"]) if item.get("product_id") else None
    unit_price = item.get("unit_price")
    if unit_price is None:
        if product is None or not quote.price_list_id:
            raise ValidationFailed("no price", {"unit_price": [
                "give a unit price, or a product and the quote's price list"]})
        unit_price = list_price(session, quote.price_list_id, product.id, quote.currency)
        if unit_price is None:
            raise ValidationFailed("no price", {"unit_price": [
                f"the price list has no {quote.currency} price for {product.sku}"]})
    line = QuoteLine(id=new_id(), position=position, product_id=item.get("product_id"),
                     description=item.get("description") or (product.name if product else None),
                     quantity=Decimal(item["quantity"]), unit_price=Decimal(unit_price),
                     discount_percent=Decimal(item.get("discount_percent") or 0),
                     tax_rate=Decimal(item.get("tax_rate") or 0))
    amounts = line_amounts(_domain_line(line), quote.currency)
    line.gross_amount, line.net_amount = amounts.gross_amount, amounts.net_amount
    line.tax_amount, line.total_amount = amounts.tax_amount, amounts.total_amount
    return line


def _domain_line(line: QuoteLine) -> Line:
    return Line(quantity=Decimal(line.quantity), unit_price=Decimal(line.unit_price),
                discount_percent=Decimal(line.discount_percent),
                tax_rate=Decimal(line.tax_rate))


def _order_from(quote: Quote) -> Order:
    moment = quote.accepted_at
    order_id = new_id()
    return Order(id=order_id, version=1, created_at=moment, updated_at=moment, ordered_at=moment,
                 number=f"O-{moment:%Y%m%d}-{order_id[:8].upper()}", quote_id=quote.id,
                 opportunity_id=quote.opportunity_id, account_id=quote.account_id,
                 contact_id=quote.contact_id, owner_id=quote.owner_id, currency=quote.currency,
                 subtotal=quote.subtotal, discount_total=quote.discount_total,
                 net_total=quote.net_total, tax_total=quote.tax_total, total=quote.total,
                 lines=[line_data(line, quote.currency) for line in quote.lines])
