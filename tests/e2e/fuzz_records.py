"""One real record of each resource, for the API fuzz run to read and change.

Without them, every operation on `/{item_id}` gets a generated id and answers 404, so the
fuzzer never reaches the code that updates, moves, sends or accepts a record.
"""

from __future__ import annotations

from typing import Any

import requests


class Api:
    """The few calls that make the records: each must succeed."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.session.post(self.base + path, json=body, timeout=30)
        assert response.status_code in (200, 201, 202), f"{path}: {response.text[:500]}"
        return response.json()

    def get(self, path: str) -> Any:
        response = self.session.get(self.base + path, timeout=30)
        assert response.status_code == 200, f"{path}: {response.text[:500]}"
        return response.json()

    def first(self, path: str) -> str:
        """The id of the first item of a list (for records the platform starts with)."""
        body = self.get(path)
        return (body["items"] if isinstance(body, dict) else body)[0]["id"]


def make_records(api: Api) -> dict[str, str]:
    """The id of a fresh record for each path prefix that takes `{item_id}`."""
    ids: dict[str, str] = {}
    account = api.post("/api/v1/accounts", {"name": "Fuzz Industries", "tier": "vip"})
    ids["accounts"] = account["id"]
    contact = api.post("/api/v1/contacts", {"first_name": "Fay", "last_name": "Fuzz",
                                        "email": "fay@fuzz.example", "account_id": account["id"]})
    ids["contacts"] = contact["id"]
    ids["custom-fields"] = api.post("/api/v1/custom-fields", {
        "object": "contact", "key": "shoe_size", "label": "Shoe size", "type": "number"})["id"]
    ids["saved-views"] = api.post("/api/v1/saved-views", {"resource": "contacts",
                                                      "name": "Fuzzed"})["id"]
    _sales(api, ids, account["id"], contact["id"])
    _support(api, ids, contact["id"])
    _marketing(api, ids)
    return ids


def _sales(api: Api, ids: dict[str, str], account_id: str, contact_id: str) -> None:
    ids["pipelines"] = api.post("/api/v1/pipelines", {"name": "Fuzz pipeline", "stages": [
        {"name": "New", "probability": 10}, {"name": "Won", "probability": 100}]})["id"]
    deal = api.post("/api/v1/opportunities", {"name": "Fuzz deal", "amount": "1000.00",
                                          "currency": "EUR", "account_id": account_id,
                                          "contact_id": contact_id})
    ids["opportunities"] = deal["id"]
    product = api.post("/api/v1/products", {"sku": "FUZZ-1", "name": "Fuzz seat"})
    ids["products"] = product["id"]
    ids["price-lists"] = api.post("/api/v1/price-lists", {"name": "Fuzz prices"})["id"]
    ids["quotes"] = api.post("/api/v1/quotes", {
        "currency": "EUR", "opportunity_id": deal["id"], "lines": [
            {"description": "Setup", "quantity": "1", "unit_price": "100.00"}]})["id"]
    ids["activities"] = api.post("/api/v1/activities", {"type": "call", "subject": "Fuzz call",
                                                    "contact_id": contact_id})["id"]


def _support(api: Api, ids: dict[str, str], contact_id: str) -> None:
    ids["tickets"] = api.post("/api/v1/tickets", {"subject": "Fuzz ticket",
                                              "contact_id": contact_id})["id"]
    team = api.post("/api/v1/teams", {"name": "Fuzz team", "members": ["agent-1"],
                                  "strategy": "round_robin"})
    ids["teams"] = team["id"]
    ids["assignment-rules"] = api.post("/api/v1/assignment-rules", {
        "name": "Fuzz rule", "team_id": team["id"], "conditions": {"priorities": ["urgent"]}})["id"]
    ids["sla-policies"] = api.first("/api/v1/sla-policies")  # one per priority and tier
    ids["business-calendars"] = api.get("/api/v1/business-calendars/default")["id"]
    ids["kb/articles"] = api.post("/api/v1/kb/articles", {"title": "Fuzzing",
                                                      "body": "How to fuzz"})["id"]


def _marketing(api: Api, ids: dict[str, str]) -> None:
    segment = api.post("/api/v1/segments", {"name": "Fuzz segment", "kind": "static"})
    ids["segments"] = segment["id"]
    template = api.post("/api/v1/templates", {
        "name": "Fuzz mail", "subject": "Hello",
        "text_body": "Hello {{ contact.first_name }}\n{{ unsubscribe_url }}"})
    ids["templates"] = template["id"]
    ids["campaigns"] = api.post("/api/v1/campaigns", {"name": "Fuzz campaign",
                                                  "segment_id": segment["id"],
                                                  "template_id": template["id"]})["id"]
    ids["scoring-rules"] = api.post("/api/v1/scoring-rules", {
        "name": "Fuzz rule", "kind": "event", "event": "email.opened", "points": 5})["id"]
    ids["forms"] = api.post("/api/v1/forms", {"name": "Fuzz form",
                                          "consent_text": "Yes, write to me",
                                          "fields": [{"name": "email", "required": True}]})["id"]


def config(ids: dict[str, str]) -> str:
    """schemathesis.toml: each prefix's operations get its record's id, but for DELETE,
    which would take the record away from the operations after it."""
    blocks = []
    for prefix, record_id in sorted(ids.items()):
        blocks.append(
            "[[operations]]\n"
            f'include-path-regex = "^/api/v1/{prefix}/\\\\{{item_id\\\\}}"\n'
            'exclude-method = "DELETE"\n'
            f'parameters = {{ "path.item_id" = "{record_id}" }}\n')
    return "\n".join(blocks)
