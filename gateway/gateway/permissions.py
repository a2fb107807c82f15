"""Roles and what they may do. Every route declares one permission (or `public`); the
gateway refuses a request to a route that declares nothing, and a test fails on it."""

from __future__ import annotations

from collections.abc import Callable

ROLES = ("admin", "sales_manager", "sales_rep", "marketing", "support_manager",
         "support_agent", "viewer")

READ = {"contacts:read", "accounts:read", "custom_fields:read"}
EDIT_CUSTOMERS = READ | {"contacts:write", "accounts:write", "consent:write"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"*"}),
    "sales_manager": frozenset(EDIT_CUSTOMERS | {"contacts:import", "contacts:export",
                                                 "contacts:merge", "gdpr:export"}),
    "sales_rep": frozenset(EDIT_CUSTOMERS | {"contacts:import", "contacts:merge"}),
    "marketing": frozenset(EDIT_CUSTOMERS | {"contacts:import", "contacts:export",
                                             "contacts:merge"}),
    "support_manager": frozenset(EDIT_CUSTOMERS | {"contacts:merge", "gdpr:export"}),
    "support_agent": frozenset(EDIT_CUSTOMERS),
    "viewer": frozenset(READ),
}

# Sales. `sales:write` covers opportunities, quotes and activities; the sales service itself
# keeps a sales rep to the deals and activities they own (it gets the caller's role).
# `catalog:write` covers products, price lists and pipelines, which shape everyone's deals.
SALES_READ = {"sales:read"}
SALES_GRANTS: dict[str, set[str]] = {
    "sales_manager": SALES_READ | {"sales:write", "catalog:write", "forecast:read"},
    "sales_rep": SALES_READ | {"sales:write", "forecast:read"},
    "marketing": SALES_READ,
    "support_manager": SALES_READ,
    "support_agent": SALES_READ,
    "viewer": SALES_READ,
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | grants
                         for role, grants in SALES_GRANTS.items()})

# Only admins: users and roles, custom field definitions, API keys, webhooks, erasure.
ADMIN_ONLY = {"users:manage", "custom_fields:manage", "api_keys:manage", "webhooks:manage",
              "gdpr:erase", "audit:read"}

ALL_PERMISSIONS = frozenset(set().union(*ROLE_PERMISSIONS.values()) - {"*"} | ADMIN_ONLY)


def allows(granted: frozenset[str] | set[str], permission: str) -> bool:
    return "*" in granted or permission in granted


def requires(permission: str) -> Callable:
    """Declare the permission a route needs."""
    if permission not in ALL_PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorate(view: Callable) -> Callable:
        view.permission = permission
        return view

    return decorate


def public(view: Callable) -> Callable:
    """Declare a route that anyone may call (login, health, the API document)."""
    target = getattr(view, "__func__", view)  # a library's route may be a bound method
    target.permission = None
    target.public = True
    return view


def declared(view: Callable) -> bool:
    return getattr(view, "public", False) or bool(getattr(view, "permission", None))

# Support. `support:manage` shapes everyone's queue: SLA policies, the calendar, teams and
# assignment rules. `inbound_email:write` is for mail gateways (an API key's scope) and
# `portal` for signed-in contacts only: no staff role is granted either (admins hold `*`).
SUPPORT_READ = {"tickets:read", "kb:read"}
SUPPORT_WORK = SUPPORT_READ | {"tickets:write", "kb:write", "support:read"}
SUPPORT_GRANTS: dict[str, set[str]] = {
    "support_manager": SUPPORT_WORK | {"support:manage"},
    "support_agent": SUPPORT_WORK,
    "sales_manager": SUPPORT_READ,
    "sales_rep": SUPPORT_READ,
    "marketing": SUPPORT_READ,
    "viewer": SUPPORT_READ,
}
ROLE_PERMISSIONS.update({role: ROLE_PERMISSIONS[role] | grants
                         for role, grants in SUPPORT_GRANTS.items()})
INBOUND_EMAIL = "inbound_email:write"
PORTAL = "portal"
ALL_PERMISSIONS = ALL_PERMISSIONS | {INBOUND_EMAIL, PORTAL} | set().union(
    *SUPPORT_GRANTS.values())
# What a contact signed in to the customer portal may do: nothing else.
CONTACT_PERMISSIONS = frozenset({PORTAL})
