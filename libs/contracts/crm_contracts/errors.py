"""Errors that cross a service boundary, raised by services and mapped once by the gateway.

nameko sends the class name as `exc_type`, so these names are part of the contract: the
gateway's error table keys on them. `args[0]` is always a human message; validation
errors carry a second argument with the per-field messages.
"""

from __future__ import annotations


class CrmError(Exception):
    """Base of every error a service returns on purpose."""

    def __init__(self, message: str, *details):
        super().__init__(message, *details)
        self.message = message


class NotFound(CrmError):
    """The record does not exist (or was deleted)."""


class ValidationFailed(CrmError):
    """Input that the schema or a domain rule rejected; `errors` names each field."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message, errors or {})
        self.errors = errors or {}


class StaleVersion(CrmError):
    """The record changed since the caller read it (optimistic concurrency)."""


class Conflict(CrmError):
    """The request contradicts the current state, e.g. a unique value already taken."""


class InvalidTransition(CrmError):
    """A state change that the record's lifecycle does not allow."""


class Gone(CrmError):
    """The record existed but was erased or merged away."""

