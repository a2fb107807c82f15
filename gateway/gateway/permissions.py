"""Roles and what they may do. Every route declares one permission (or `public`); the
gateway refuses a request to a route that declares nothing, and a test fails on it."""

from __future__ import annotations

from collections.abc import Callable

ROLES = ("admin", "sales_manager", "sales_rep", "marketing", "support_manager",
         "support_agent", "viewer")

# Customers: accounts, contacts and what hangs on them (the contacts service).
READ = {"contacts:read", "accounts:read", "custom_fields:read"}
EDIT_CUSTOMERS = READ | {"contacts:write", "accounts:write", "consent:write"}
CUSTOMER_GRANTS: dict[str, set[str]] = {
    "sales_manager": EDIT_CUSTOMERS | {"contacts:import", "contacts:export", "contacts:merge",
                                       "gdpr:export"},
    "sales_rep": EDIT_CUSTOMERS | {"contacts:import", "contacts:merge"},
    "marketing": EDIT_CUSTOMERS | {"contacts:import", "contacts:export", "contacts:merge"},
    "support_manager": EDIT_CUSTOMERS | {"contacts:merge", "gdpr:export"},
    "support_agent": EDIT_CUSTOMERS,
    "viewer": READ,
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

# Support. `support:manage` shapes everyone's queue: SLA policies, the calendar, teams and
# assignment rules; `support:read` lets agents see them.
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

# Marketing. `marketing:write` covers segments, templates and draft campaigns;
# `campaigns:send` is what mails customers: sending, scheduling and cancelling.
MARKETING_READ = {"marketing:read"}
MARKETING_GRANTS: dict[str, set[str]] = {
    "marketing": MARKETING_READ | {"marketing:write", "campaigns:send"},
    "sales_manager": MARKETING_READ,
    "sales_rep": MARKETING_READ,
    "viewer": MARKETING_READ,
}

# Reporting. `reports:read` reads every report; `dashboards:read` opens the dashboards of
# DASHBOARD_ROLES[role] (a sales rep sees only their own figures); `reports:rebuild` is
# the administrators' (it empties the read models first).
REPORTING_GRANTS: dict[str, set[str]] = {
    "sales_manager": {"reports:read", "dashboards:read"},
    "marketing": {"reports:read", "dashboards:read"},
    "support_manager": {"reports:read", "dashboards:read"},
    "sales_rep": {"dashboards:read"},
}
DASHBOARD_ROLES: dict[str, tuple[str, ...]] = {
    "admin": ("sales_rep", "sales_manager", "marketer", "support_manager", "executive"),
    "sales_manager": ("sales_rep", "sales_manager"),
    "sales_rep": ("sales_rep",),
    "marketing": ("marketer",),
    "support_manager": ("support_manager",),
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"*"}),
    **{role: frozenset().union(*(grants.get(role, ()) for grants in (
        CUSTOMER_GRANTS, SALES_GRANTS, SUPPORT_GRANTS, MARKETING_GRANTS, REPORTING_GRANTS)))
       for role in ROLES if role != "admin"},
}

# Only admins: users and roles, custom field definitions, API keys, webhooks, erasure.
ADMIN_ONLY = {"users:manage", "custom_fields:manage", "api_keys:manage", "webhooks:manage",
              "gdpr:erase", "audit:read", "reports:rebuild", "marketing:rebuild"}
# Held by no role: a mail gateway's API key scopes (inbound mail, bounce notices), and
# what a contact signed in to the customer portal may do (nothing else).
INBOUND_EMAIL = "inbound_email:write"
EMAIL_BOUNCES = "email_bounces:write"
PORTAL = "portal"
CONTACT_PERMISSIONS = frozenset({PORTAL})

ALL_PERMISSIONS = frozenset(set().union(*ROLE_PERMISSIONS.values()) - {"*"} | ADMIN_ONLY
                            | {INBOUND_EMAIL, EMAIL_BOUNCES, PORTAL})


def granted_to(role: str) -> list[str]:
    """What a role may do, spelled out (an admin's `*` too): what `GET /auth/me` tells a
    client, so that it shows the actions the API would allow and no copy of these rules."""
    granted = ROLE_PERMISSIONS.get(role, frozenset())
    if "*" in granted:
        granted = ALL_PERMISSIONS - {INBOUND_EMAIL, EMAIL_BOUNCES, PORTAL}
    return sorted(granted)


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
