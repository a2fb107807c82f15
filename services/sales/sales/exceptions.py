"""This service's errors: the shared contract names, raised with the CRM's words."""

from crm_contracts.errors import (  # noqa: F401 - re-exported for the service's modules
    Conflict,
    CrmError,
    Gone,
    InvalidTransition,
    NotFound,
    StaleVersion,
    ValidationFailed,
)


class NotOwner(CrmError):
    """A sales rep writing a deal or an activity that is someone else's (HTTP 403).

    Not in crm_contracts.errors yet: the gateway maps the name `NotOwner` itself."""
