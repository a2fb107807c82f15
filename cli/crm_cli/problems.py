"""What can go wrong in a command, as values the entry point turns into a message and an
exit code, and the readable form of the API's application/problem+json answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Keys under which the API reports an error that belongs to no single field.
WHOLE_RECORD_KEYS = frozenset({"_schema", "_row", "_all"})


class CommandError(Exception):
    """An expected failure: shown as a message, never as a traceback."""

    exit_code = 2

    def lines(self) -> list[str]:
        return [str(self)]


class UsageError(CommandError):
    """The command line or a file it names cannot be used."""


class Unreachable(CommandError):
    """The gateway did not answer at all."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot reach the CRM at {url} ({reason}); is it running "
                         "(`make up`), and is --url or CRM_URL right?")


class ApiProblem(CommandError):
    """The API answered with an error (RFC 9457 problem details when it could)."""

    def __init__(self, status: int, body: dict[str, Any] | None, text: str = "",
                 context: str | None = None):
        self.status, self.body, self.text, self.context = status, body or {}, text, context
        super().__init__(describe_problem(status, body, text)[0])

    @property
    def detail(self) -> str | None:
        return self.body.get("detail")

    def lines(self) -> list[str]:
        lines = describe_problem(self.status, self.body, self.text)
        if self.context:
            lines[0] = f"{self.context}: {lines[0]}"
        return lines


def describe_problem(status: int, body: dict[str, Any] | None, text: str = "") -> list[str]:
    """A headline ("Invalid input (HTTP 422): the input is not valid") and one indented
    line per field error; for an answer that is not a problem, the start of its text."""
    body = body or {}
    title = body.get("title") or _REASONS.get(status, "Error")
    headline = f"{title} (HTTP {status})"
    if detail := body.get("detail"):
        headline += f": {detail}"
    elif not body and text.strip():
        headline += f": {' '.join(text.split())[:200]}"
    if status >= 500 and body.get("correlation_id"):
        headline += f" [correlation id {body['correlation_id']}]"
    return [headline, *(f"  {line}" for line in error_lines(body.get("errors")))]


def error_lines(errors: Any) -> list[str]:
    """Per-field messages as "field: message", nested fields joined with dots."""
    return [f"{path}: {message}" if path else message
            for path, message in _flatten(errors, "")]


def _flatten(errors: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(errors, dict):
        for key, value in errors.items():
            key = str(key)
            inner = path if key in WHOLE_RECORD_KEYS else (f"{path}.{key}" if path else key)
            yield from _flatten(value, inner)
    elif isinstance(errors, list | tuple):
        for item in errors:
            yield from _flatten(item, path)
    elif errors is not None:
        yield path, str(errors)


_REASONS = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
            409: "Conflict", 413: "Too large", 422: "Invalid input", 429: "Too many requests",
            500: "Internal error", 502: "Bad gateway", 503: "Service unavailable",
            504: "Gateway timeout"}
