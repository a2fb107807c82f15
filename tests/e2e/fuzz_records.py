"""One real record of each resource, for the API fuzz run to read and change.

Without them, every operation on `/{item_id}` gets a generated id and answers 404, so the
fuzzer never reaches the code that updates, moves, sends or accepts a record. `api` is a
signed-in client of the platform (tests/conftest.py's `Api`, from the `signed_in` fixture).
"""

from __future__ import annotations

from typing import Any

import requests


def _made(response: requests.Response) -> Any:
    """The body of an answer that must be a success: these records are the run's ground."""
    assert response.status_code in (200, 201, 202), f"{response.url}: {response.text[:500]}"
    return response.json()


def make_records(api) -> dict[str, str]:
    """The id of a fresh record for each path prefix that takes `{item_id}`."""

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return _made(api.post(path, json=body))

    ids: dict[str, str] = {}
    account = post("/api/v1/accounts", {"name": "Fuzz Industries", "tier": "vip"})
    ids["accounts"] = account["id"]
    contact = post("/api/v1/contacts", {"first_name": "Fay", "last_name": "Fuzz",
                                        "email": "fay@fuzz.example", "account_id": account["id"]})
    ids["contacts"] = contact["id"]
    ids["custom-fields"] = post("/api/v1/custom-fields", {
        "object": "contact", "key": "shoe_size", "label": "Shoe size", "type": "number"})["id"]
    ids["saved-views"] = post("/api/v1/saved-views", {"resource": "contacts",
                                                      "name": "Fuzzed"})["id"]
    _sales(post, ids, account["id"], contact["id"])
    _support(post, ids, contact["id"])
    # Records the platform starts with: an SLA policy per priority and tier, a calendar.
    ids["sla-policies"] = _made(api.get("/api/v1/sla-policies"))["items"][0]["id"]
    ids["business-calendars"] = _made(api.get("/api/v1/business-calendars/default"))["id"]
    _marketing(post, ids)
    return ids


def _sales(post, ids: dict[str, str], account_id: str, contact_id: str) -> None:
    ids["pipelines"] = post("/api/v1/pipelines", {"name": "Fuzz pipeline", "stages": [
        {"name": "New", "probability": 10}, {"name": "Won", "probability": 100}]})["id"]
    deal = post("/api/v1/opportunities", {"name": "Fuzz deal", "amount": "1000.00",
                                          "currency": "EUR", "account_id": account_id,
                                          "contact_id": contact_id})
    ids["opportunities"] = deal["id"]
    ids["products"] = post("/api/v1/products", {"sku": "FUZZ-1", "name": "Fuzz seat"})["id"]
    ids["price-lists"] = post("/api/v1/price-lists", {"name": "Fuzz prices"})["id"]
    ids["quotes"] = post("/api/v1/quotes", {
        "currency": "EUR", "opportunity_id": deal["id"], "lines": [
            {"description": "Setup", "quantity": "1", "unit_price": "100.00"}]})["id"]
    ids["activities"] = post("/api/v1/activities", {"type": "call", "subject": "Fuzz call",
                                                    "contact_id": contact_id})["id"]


def _support(post, ids: dict[str, str], contact_id: str) -> None:
    ids["tickets"] = post("/api/v1/tickets", {"subject": "Fuzz ticket",
                                              "contact_id": contact_id})["id"]
    team = post("/api/v1/teams", {"name": "Fuzz team", "members": ["agent-1"],
                                  "strategy": "round_robin"})
    ids["teams"] = team["id"]
    ids["assignment-rules"] = post("/api/v1/assignment-rules", {
        "name": "Fuzz rule", "team_id": team["id"], "conditions": {"priorities": ["urgent"]}})["id"]
    ids["kb/articles"] = post("/api/v1/kb/articles", {"title": "Fuzzing",
                                                      "body": "How to fuzz"})["id"]


def _marketing(post, ids: dict[str, str]) -> None:
    segment = post("/api/v1/segments", {"name": "Fuzz segment", "kind": "static"})
    ids["segments"] = segment["id"]
    template = post("/api/v1/templates", {
        "name": "Fuzz mail", "subject": "Hello",
        "text_body": "Hello {{ contact.first_name }}\n{{ unsubscribe_url }}"})
    ids["templates"] = template["id"]
    ids["campaigns"] = post("/api/v1/campaigns", {"name": "Fuzz campaign",
                                                  "segment_id": segment["id"],
                                                  "template_id": template["id"]})["id"]
    ids["scoring-rules"] = post("/api/v1/scoring-rules", {
        "name": "Fuzz rule", "kind": "event", "event": "email.opened", "points": 5})["id"]
    ids["forms"] = post("/api/v1/forms", {"name": "Fuzz form",
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
