"""Writes that a second run of the demo replays instead of repeating: each carries an
Idempotency-Key named after the record's place in the data set, and the gateway answers a
key it has seen with the first answer (header `Idempotent-Replayed: true`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_cli.client import CrmClient


@dataclass
class Counts:
    """Per kind of record: how many this run created, how many an earlier run had."""

    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, replayed: bool) -> None:
        into = self.existing if replayed else self.created
        into[kind] = into.get(kind, 0) + 1

    def line(self, kind: str) -> str:
        created, existing = self.created.get(kind, 0), self.existing.get(kind, 0)
        return f"{created} created" + (f", {existing} already there" if existing else "")


def create(client: CrmClient, path: str, body: dict[str, Any], key: str, counts: Counts,
           kind: str) -> dict[str, Any]:
    response = client.request("POST", path, json=body, headers={"Idempotency-Key": key})
    counts.count(kind, replayed=response.headers.get("Idempotent-Replayed") == "true")
    return response.json()


def step(client: CrmClient, path: str, key: str, body: dict[str, Any] | None = None) -> bool:
    """A lifecycle step (send, accept, solve...); True when replayed from an earlier run."""
    response = client.request("POST", path, json=body or {}, headers={"Idempotency-Key": key})
    return response.headers.get("Idempotent-Replayed") == "true"
