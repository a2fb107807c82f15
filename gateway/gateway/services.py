"""Calling the services from a request: one RPC client per process, the request's
correlation id and caller travelling with every call."""

from __future__ import annotations

from typing import Any

from flask import current_app, g

from gateway.rpc import PendingCall, RpcClient


def client() -> RpcClient:
    return current_app.extensions["crm.rpc"]


def context() -> dict[str, Any]:
    principal = g.get("principal")
    # The role lets a service apply record-level rules (a sales rep edits only their deals).
    return {"correlation_id": g.get("correlation_id"),
            "user_id": principal.id if principal is not None else None,
            "user_role": principal.role if principal is not None else None}


def call(service: str, method: str, *args: Any, timeout: float | None = None,
         **kwargs: Any) -> Any:
    """Call and wait; service errors propagate and errors.py maps them to HTTP answers."""
    return client().call(service, method, *args, timeout=timeout, context=context(), **kwargs)


def call_all_async(requests: list[tuple[str, str, tuple]], *, timeout: float | None = None
                   ) -> list[PendingCall]:
    """Several calls sent together (the parts of a 360 view)."""
    return client().call_all_async(requests, timeout=timeout, context=context())
