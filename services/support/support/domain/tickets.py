"""Ticket lifecycle: the statuses, which changes are allowed, the readable number."""

from __future__ import annotations

import re

from support.exceptions import InvalidTransition

CHANNELS = ("api", "web_form", "email", "phone")
TYPES = ("question", "incident", "problem", "task")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
PENDING, SOLVED, CLOSED, OPEN = "pending", "solved", "closed", "open"

ALLOWED = {
    "new": {"open", "pending", "on_hold", "solved", "closed"},
    "open": {"pending", "on_hold", "solved"},
    "pending": {"open", "on_hold", "solved"},
    "on_hold": {"open", "pending", "solved"},
    "solved": {"open", "closed"},
    "closed": set(),
}

NUMBER_PREFIX = "T-"
_TAG = re.compile(r"\[T-(\d{1,12})\]")
_NUMBER = re.compile(r"^T-(\d{1,12})$", re.IGNORECASE)


def check_transition(current: str, wanted: str) -> None:
    if wanted != current and wanted not in ALLOWED[current]:
        allowed = ", ".join(sorted(ALLOWED[current])) or "nothing: it is final"
        raise InvalidTransition(f"a {current} ticket cannot become {wanted} "
                                f"(allowed: {allowed})")


def reopens_on_customer_reply(status: str) -> bool:
    """A customer writing on a ticket that waits on them, or that was solved, reopens it."""
    return status in (PENDING, SOLVED)


def number_text(sequence: int) -> str:
    return f"{NUMBER_PREFIX}{sequence}"


def number_in_subject(subject: str) -> int | None:
    """`Re: Printer on fire [T-1042]` -> 1042."""
    found = _TAG.search(subject or "")
    return int(found.group(1)) if found else None


def parse_number(text: str) -> int | None:
    found = _NUMBER.match((text or "").strip())
    return int(found.group(1)) if found else None
