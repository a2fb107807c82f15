"""The customer 360 view: every part requested at once, each with a deadline.

A part that fails or does not answer in time is left out and named under `missing`, so a
slow or stopped service costs its part of the page, never the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from gateway import services
from gateway.errors import from_remote
from gateway.rpc import RemoteError, RpcError, RpcTimeout, gather


@dataclass(frozen=True)
class Part:
    name: str
    service: str
    method: str
    args: tuple[Any, ...]
    # The record itself: if it does not exist, the whole view is a 404, not a partial view.
    primary: bool = False


def contact_parts(contact_id: str) -> list[Part]:
    return [
        Part("contact", "contacts", "get_contact", (contact_id,), primary=True),
        Part("consents", "contacts", "list_consents", (contact_id,)),
        Part("duplicates", "contacts", "find_duplicates", (contact_id,)),
        Part("merges", "contacts", "merge_history", (contact_id,)),
    ]


def account_parts(account_id: str) -> list[Part]:
    query = {"filters": {"account_id": account_id}, "limit": 100}
    return [
        Part("account", "contacts", "get_account", (account_id,), primary=True),
        Part("contacts", "contacts", "list_contacts", (query,)),
    ]


def compose(parts: list[Part]) -> dict[str, Any]:
    timeout = current_app.config["CRM"].compose_timeout
    calls = [services.call_async(part.service, part.method, *part.args, timeout=timeout)
             for part in parts]
    view: dict[str, Any] = {}
    missing: list[dict[str, str]] = []
    for part, outcome in zip(parts, gather(calls), strict=True):
        if isinstance(outcome, RemoteError) and part.primary and \
                outcome.exc_type in {"NotFound", "Gone"}:
            raise from_remote(outcome)
        if isinstance(outcome, RpcError):
            view[part.name] = None
            missing.append({"part": part.name, "service": part.service,
                            "reason": _reason(outcome)})
        else:
            view[part.name] = outcome
    view["missing"] = missing
    view["complete"] = not missing
    return view


def _reason(error: RpcError) -> str:
    if isinstance(error, RpcTimeout):
        return "timeout"
    if isinstance(error, RemoteError):
        return "error"
    return "unavailable"
