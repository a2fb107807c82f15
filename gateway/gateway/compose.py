"""The customer 360 view: every part requested at once, each with a deadline.

A part that fails or does not answer in time is left out and named under `missing`, so a
slow or stopped service costs its part of the page, never the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app, g

from gateway import services
from gateway.errors import from_remote
from gateway.rpc import RemoteError, RpcError, RpcTimeout, gather


@dataclass(frozen=True)
class Part:
    """One service's share of a view: one call, answering a dict with these sections."""

    service: str
    method: str
    args: tuple[Any, ...]
    sections: tuple[str, ...]
    # Holds the record itself: if it does not exist, the view is a 404, not a partial view.
    primary: bool = False
    # Asked only for callers who may read it; the others get a view without its sections.
    permission: str | None = None


SALES_SECTIONS = ("opportunities", "quotes", "orders", "activities")
SUPPORT_SECTIONS = ("tickets", "sla", "csat")
MARKETING_SECTIONS = ("segments", "campaigns", "lead_score", "enrolments")


def contact_parts(contact_id: str) -> list[Part]:
    return [Part("contacts", "contact_360", (contact_id,),
                 ("contact", "consents", "duplicates", "merges"), primary=True),
            *_other_parts("contact_360", contact_id)]


def account_parts(account_id: str) -> list[Part]:
    return [Part("contacts", "account_360", (account_id,), ("account", "contacts"),
                 primary=True),
            *_other_parts("account_360", account_id)]


def _other_parts(method: str, record_id: str) -> list[Part]:
    """What the other services hold about the customer: same method, same argument."""
    return [Part("sales", method, (record_id,), SALES_SECTIONS, permission="sales:read"),
            Part("support", method, (record_id,), SUPPORT_SECTIONS,
                 permission="tickets:read"),
            Part("marketing", method, (record_id,), MARKETING_SECTIONS,
                 permission="marketing:read"),
            # reporting's KPIs: lifetime value, churn risk and upsell signals with their
            # reasons, last activity, open pipeline
            Part("reporting", method, (record_id,), ("kpis",), permission="sales:read")]


def compose(parts: list[Part]) -> dict[str, Any]:
    parts = [part for part in parts
             if part.permission is None or g.principal.can(part.permission)]
    timeout = current_app.config["CRM"].compose_timeout
    calls = services.call_all_async([(part.service, part.method, part.args) for part in parts],
                                    timeout=timeout)
    view: dict[str, Any] = {}
    missing: list[dict[str, Any]] = []
    for part, outcome in zip(parts, gather(calls), strict=True):
        if isinstance(outcome, RemoteError) and part.primary and \
                outcome.exc_type in {"NotFound", "Gone"}:
            raise from_remote(outcome)
        if isinstance(outcome, RpcError):
            view.update(dict.fromkeys(part.sections))
            missing.append({"service": part.service, "sections": list(part.sections),
                            "reason": _reason(outcome)})
        else:
            view.update({section: outcome.get(section) for section in part.sections})
    view["missing"] = missing
    view["complete"] = not missing
    return view


# Who else holds something about a person, each answering `gdpr_export(contact_id)`; the
# contacts service's part (the record, consents, merges, its event log) comes first.
PERSONAL_DATA_HOLDERS = ("sales", "support", "marketing")


def personal_data(contact_id: str) -> dict[str, Any]:
    """Everything the platform holds about a person, for a subject access request: every
    holder asked at once. All or nothing: an export missing a service's part would say less
    than is held, so a part that fails fails the export (503 naming the service)."""
    calls = services.call_all_async([(holder, "gdpr_export", (contact_id,))
                                     for holder in ("contacts", *PERSONAL_DATA_HOLDERS)],
                                    timeout=30)
    outcomes = gather(calls)
    for outcome in outcomes:
        if isinstance(outcome, RpcError):
            raise outcome
    own, *others = outcomes
    return {**own, **dict(zip(PERSONAL_DATA_HOLDERS, others, strict=True))}


# Sections of an as-of view that need more than reading the customer.
AS_OF_PERMISSIONS = {**dict.fromkeys(SALES_SECTIONS, "sales:read"), "tickets": "tickets:read"}


def as_of(kind: str, record_id: str, moment: datetime) -> dict[str, Any]:
    """What the platform knew of a contact or an account at `moment`, rebuilt by the
    reporting service from the events it keeps: records as their events carried them."""
    view = services.call("reporting", f"{kind}_as_of", record_id,
                         moment.astimezone(UTC).isoformat())
    view = {section: value for section, value in view.items()
            if section not in AS_OF_PERMISSIONS
            or g.principal.can(AS_OF_PERMISSIONS[section])}
    return {**view, "missing": [], "complete": True}


def _reason(error: RpcError) -> str:
    if isinstance(error, RpcTimeout):
        return "timeout"
    if isinstance(error, RemoteError):
        return "error"
    return "unavailable"
