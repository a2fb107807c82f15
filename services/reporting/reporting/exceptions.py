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
