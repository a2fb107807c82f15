"""Who is calling, and the record-level rule: a sales rep writes only their own deals and
activities. Other roles are checked by the gateway; service-to-service calls carry none."""

from __future__ import annotations

from sales.exceptions import NotOwner

SALES_REP = "sales_rep"


def actor_id(uow) -> str | None:
    return uow.context.get("user_id")


def actor_role(uow) -> str | None:
    return uow.context.get("user_role")


def check_owner(uow, owner_id: str | None, what: str) -> None:
    if actor_role(uow) == SALES_REP and owner_id != actor_id(uow):
        raise NotOwner(f"{what} belongs to someone else: a sales rep changes only their own")
