"""The contacts resource through the gateway: validation, errors, ETags, idempotency,
audit, and the 360 view's partial answers."""

import io
from datetime import timedelta

from gateway_fakes import remote
from sqlalchemy import update

from gateway.db import db
from gateway.models import IdempotencyRecord, now
from gateway.rpc import RpcTimeout, ServiceUnavailable

CONTACT = {"id": "c1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@x.io",
           "version": 3, "custom_fields": {}, "tags": []}


def test_unknown_fields_and_wrong_types_name_the_field(client, login, fake_rpc):
    headers = login("sales_rep")
    response = client.post("/api/v1/contacts", json={"last_name": 5, "shoe_size": 44},
                           headers=headers)
    body = response.get_json()
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(body["errors"]) == {"last_name", "shoe_size"}
    assert fake_rpc.calls == []


def test_malformed_json_is_a_400_problem(client, login):
    response = client.post("/api/v1/contacts", data="{not json",
                           headers={**login("sales_rep"), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == "the body is not valid JSON"


def test_oversized_body_is_a_413_problem(client, login, settings):
    big = {"last_name": "x" * (settings.max_body_bytes + 10)}
    response = client.post("/api/v1/contacts", json=big, headers=login("sales_rep"))
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_text_no_database_can_store_is_refused_naming_the_field(client, login, fake_rpc):
    headers = login("admin")
    body = client.post("/api/v1/contacts", headers=headers, data='{"first_name": "A\\u0000da", '
                       '"tags": ["ok", "\\ud800"]}', content_type="application/json")
    assert body.status_code == 422
    assert body.mimetype == "application/problem+json"
    assert body.get_json()["errors"] == {
        "first_name": ["must not contain the NUL character (U+0000)"],
        "tags": {"1": ["is not valid Unicode text (a lone surrogate, U+D800 to U+DFFF)"]}}
    path = client.get("/api/v1/contacts/c%001", headers=headers)
    query = client.get("/api/v1/contacts?source=web%00", headers=headers)
    assert (path.status_code, query.status_code) == (422, 422)
    assert list(path.get_json()["errors"]) == ["item_id"]
    assert list(query.get_json()["errors"]) == ["source"]
    assert fake_rpc.calls == []


def test_a_form_field_no_database_can_store_is_refused_too(client, login, fake_rpc):
    # Forms are read for this check only when the body is one (a JSON body has none).
    response = client.post("/api/v1/contacts/import", headers=login("admin"), data={
        "file": (io.BytesIO(b"email\nada@example.com\n"), "people.csv"), "dedup": "skip\x00"},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "dedup": ["must not contain the NUL character (U+0000)"]}
    assert fake_rpc.calls == []


def test_an_export_the_service_refuses_is_a_problem_not_a_broken_stream(client, login,
                                                                        fake_rpc):
    def refuse(query):
        raise remote("ValidationFailed", "bad filter", {"created_after": ["an ISO 8601 time"]})

    fake_rpc.on("contacts", "list_custom_fields", [])
    fake_rpc.on("contacts", "export_contacts", refuse)
    response = client.get("/api/v1/contacts/export.csv?created_after=", headers=login("admin"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"created_after": ["an ISO 8601 time"]}


def test_an_export_streams_every_page(client, login, fake_rpc):
    pages = {None: {"items": [CONTACT], "next_cursor": "p2"},
             "p2": {"items": [{**CONTACT, "id": "c2", "first_name": "Bob"}],
                    "next_cursor": None}}
    fake_rpc.on("contacts", "list_custom_fields", [])
    fake_rpc.on("contacts", "export_contacts", lambda query: pages[query["cursor"]])
    response = client.get("/api/v1/contacts/export.csv", headers=login("admin"))
    assert response.status_code == 200
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 3 and "Ada" in lines[1] and "Bob" in lines[2]


def test_service_validation_errors_keep_their_fields(client, login, fake_rpc):
    def reject(data):
        raise remote("ValidationFailed", "the contact is not valid",
                     {"email": ["not a valid email address"]})

    fake_rpc.on("contacts", "create_contact", reject)
    response = client.post("/api/v1/contacts", json={"email": "nope"}, headers=login("admin"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"email": ["not a valid email address"]}


def test_unknown_id_is_404_and_a_service_crash_is_502(client, login, fake_rpc):
    fake_rpc.on("contacts", "get_contact", lambda i: (_ for _ in ()).throw(
        remote("NotFound", f"no contact {i}")))
    headers = login("viewer")
    assert client.get("/api/v1/contacts/nope", headers=headers).status_code == 404
    fake_rpc.on("contacts", "get_contact", lambda i: (_ for _ in ()).throw(
        remote("ZeroDivisionError", "oops")))
    response = client.get("/api/v1/contacts/c1", headers=headers)
    assert response.status_code == 502
    assert "oops" not in response.get_data(as_text=True)


def test_stopped_service_is_503_with_retry_after(client, login, fake_rpc):
    fake_rpc.on("contacts", "get_contact", lambda i: (_ for _ in ()).throw(
        ServiceUnavailable("contacts", "no queue")))
    response = client.get("/api/v1/contacts/c1", headers=login("viewer"))
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["service"] == "contacts"


def test_etag_and_if_match_reach_the_service(client, login, fake_rpc):
    fake_rpc.on("contacts", "get_contact", CONTACT)
    seen = {}

    def update(contact_id, data, expected_version):
        seen["expected"] = expected_version
        if expected_version != 3:
            raise remote("StaleVersion", "changed")
        return {**CONTACT, **data, "version": 4}

    fake_rpc.on("contacts", "update_contact", update)
    headers = login("sales_rep")
    read = client.get("/api/v1/contacts/c1", headers=headers)
    assert read.headers["ETag"] == '"3"'
    assert client.get("/api/v1/contacts/c1", headers={
        **headers, "If-None-Match": '"3"'}).status_code == 304
    stale = client.patch("/api/v1/contacts/c1", json={"title": "CTO"},
                         headers={**headers, "If-Match": '"2"'})
    assert stale.status_code == 412
    fresh = client.patch("/api/v1/contacts/c1", json={"title": "CTO"},
                         headers={**headers, "If-Match": read.headers["ETag"]})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"4"'
    assert seen["expected"] == 3


def _creates(fake_rpc) -> list[dict]:
    """The bodies create_contact got, each answered as a new contact c1, c2, ..."""
    created: list[dict] = []

    def create(data):
        created.append(data)
        return {**CONTACT, "id": f"c{len(created)}"}

    fake_rpc.on("contacts", "create_contact", create)
    return created


def test_idempotency_key_replays_the_first_answer(client, login, fake_rpc):
    created = _creates(fake_rpc)
    headers = {**login("sales_rep"), "Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/contacts", json={"last_name": "Lovelace"}, headers=headers)
    again = client.post("/api/v1/contacts", json={"last_name": "Lovelace"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(created) == 1
    other = client.post("/api/v1/contacts", json={"last_name": "Byron"}, headers=headers)
    assert other.status_code == 422


def test_a_kept_answer_is_replayed_for_a_day_then_the_key_is_free(app, client, login,
                                                                    fake_rpc):
    created = _creates(fake_rpc)
    headers = {**login("sales_rep"), "Idempotency-Key": "day-old"}
    client.post("/api/v1/contacts", json={"last_name": "Lovelace"}, headers=headers)
    with app.app_context():
        db().execute(update(IdempotencyRecord).values(
            created_at=now() - timedelta(hours=25)))
        db().commit()
    again = client.post("/api/v1/contacts", json={"last_name": "Lovelace"}, headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert len(created) == 2


def test_an_erasure_forgets_the_kept_answers_that_name_the_person(client, login, fake_rpc):
    _creates(fake_rpc)
    fake_rpc.on("contacts", "erase_contact", lambda contact_id: {
        "id": contact_id, "erased_at": "2026-11-27T10:00:00+00:00", "merged_ids": ["c2"]})
    admin = login("admin")
    for key in ("first", "merged-away", "someone-else"):
        client.post("/api/v1/contacts", json={"last_name": key},
                    headers={**admin, "Idempotency-Key": key})
    assert client.post("/api/v1/contacts/c1/erase", headers=admin).status_code == 200
    replays = {key: client.post("/api/v1/contacts", json={"last_name": key}, headers={
        **admin, "Idempotency-Key": key}).headers.get("Idempotent-Replayed")
        for key in ("first", "merged-away", "someone-else")}
    # c1's answer and that of c2 (merged into c1, erased with it) are gone; c3's is kept
    assert replays == {"first": None, "merged-away": None, "someone-else": "true"}


def test_every_write_is_audited_with_who_and_correlation(client, login, fake_rpc):
    fake_rpc.on("contacts", "create_contact", CONTACT)
    admin = login("admin")
    client.post("/api/v1/contacts", json={"last_name": "Lovelace"},
                headers={**admin, "X-Correlation-ID": "trace-42"})
    entries = client.get("/api/v1/audit", headers=admin).get_json()["items"]
    entry = next(e for e in entries if e["path"] == "/api/v1/contacts")
    assert entry["method"] == "POST" and entry["status"] == 201
    assert entry["resource_id"] == "c1" and entry["actor_type"] == "user"
    assert entry["correlation_id"] == "trace-42"
    assert fake_rpc.calls[-1][4]["correlation_id"] == "trace-42"


SALES_360 = {"opportunities": {"open": [], "past": []}, "quotes": [], "orders": [],
             "activities": {"upcoming": [], "recent": []}}
SUPPORT_360 = {"tickets": {"open": [], "recent": []},
               "sla": {"open": 0, "breached": 0, "at_risk": 0}, "csat": []}
MARKETING_360 = {"segments": [], "campaigns": [], "lead_score": {"score": 0},
                 "enrolments": []}
CONTACTS_360 = {"contact": CONTACT, "consents": {"current": {}, "history": []},
                "duplicates": [], "merges": []}
REPORTING_360 = {"kpis": {"account_id": "a1", "lifetime_value": {"EUR": "10.00"},
                          "churn_risk": {"score": 0, "reasons": []}}}


def test_360_names_the_part_that_did_not_answer(client, login, fake_rpc):
    fake_rpc.on("contacts", "contact_360", CONTACTS_360)
    fake_rpc.on("support", "contact_360", SUPPORT_360)
    fake_rpc.on("reporting", "contact_360", REPORTING_360)
    fake_rpc.on("marketing", "contact_360", MARKETING_360)
    fake_rpc.on("sales", "contact_360", lambda i: (_ for _ in ()).throw(
        RpcTimeout("sales", "contact_360", 2.0)))
    response = client.get("/api/v1/contacts/c1/360", headers=login("viewer"))
    body = response.get_json()
    assert response.status_code == 200
    assert body["contact"]["id"] == "c1" and body["opportunities"] is None
    assert body["missing"] == [{"service": "sales", "reason": "timeout",
                                "sections": ["opportunities", "quotes", "orders",
                                             "activities"]}]
    assert body["complete"] is False


def test_360_sections_come_from_one_call_per_service(client, login, fake_rpc):
    fake_rpc.on("contacts", "contact_360", {**CONTACTS_360, "internal": "not a section"})
    fake_rpc.on("reporting", "contact_360", REPORTING_360)
    fake_rpc.on("sales", "contact_360", SALES_360)
    fake_rpc.on("support", "contact_360", SUPPORT_360)
    fake_rpc.on("marketing", "contact_360", MARKETING_360)
    body = client.get("/api/v1/contacts/c1/360", headers=login("viewer")).get_json()
    assert body["contact"]["id"] == "c1" and body["complete"] is True
    assert body["lead_score"] == {"score": 0} and body["enrolments"] == []
    assert body["activities"] == {"upcoming": [], "recent": []}
    assert body["sla"] == {"open": 0, "breached": 0, "at_risk": 0}
    assert "internal" not in body
    assert [call[:3] for call in fake_rpc.calls] == [("contacts", "contact_360", ("c1",)),
                                                      ("sales", "contact_360", ("c1",)),
                                                      ("support", "contact_360", ("c1",)),
                                                      ("marketing", "contact_360", ("c1",)),
                                                      ("reporting", "contact_360", ("c1",))]


def test_360_asks_only_the_services_the_caller_may_read(client, login, fake_rpc):
    key = client.post("/api/v1/api-keys", json={"name": "ERP", "scopes": ["contacts:read"]},
                      headers=login("admin")).get_json()["key"]
    fake_rpc.on("contacts", "contact_360", CONTACTS_360)
    body = client.get("/api/v1/contacts/c1/360", headers={"X-API-Key": key}).get_json()
    assert body["complete"] is True and "opportunities" not in body
    assert [call[:2] for call in fake_rpc.calls] == [("contacts", "contact_360")]


def test_account_360_has_the_accounts_deals_and_tickets(client, login, fake_rpc):
    fake_rpc.on("contacts", "account_360", {"account": {"id": "a1", "name": "Globex"},
                                            "contacts": {"items": [], "next_cursor": None}})
    fake_rpc.on("sales", "account_360", SALES_360)
    fake_rpc.on("support", "account_360", SUPPORT_360)
    fake_rpc.on("reporting", "account_360", REPORTING_360)
    fake_rpc.on("marketing", "account_360", MARKETING_360)
    body = client.get("/api/v1/accounts/a1/360", headers=login("viewer")).get_json()
    assert body["account"]["name"] == "Globex" and body["orders"] == []
    assert body["kpis"]["lifetime_value"] == {"EUR": "10.00"}
    assert body["complete"] is True


def test_360_of_an_unknown_contact_is_404(client, login, fake_rpc):
    fake_rpc.on("contacts", "contact_360", lambda i: (_ for _ in ()).throw(
        remote("NotFound", "no contact")))
    assert client.get("/api/v1/contacts/x/360", headers=login("viewer")).status_code == 404


def test_openapi_document_and_offline_docs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/contacts/{item_id}/360" in spec["paths"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert "http" not in page.replace("/api/", "")  # nothing from a CDN
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200


def test_answers_are_documented_as_they_are_sent(client):
    # Errors leave as problem+json (errors.problem_response); reports as JSON or CSV.
    spec = client.get("/api/v1/openapi.json").get_json()
    for response in spec["components"]["responses"].values():
        assert list(response["content"]) == ["application/problem+json"]
    assert set(spec["components"]["schemas"]["ProblemOut"]["required"]) == {
        "type", "title", "status"}
    report = spec["paths"]["/api/v1/reports/{name}"]["get"]["responses"]["200"]
    assert set(report["content"]) == {"application/json", "text/csv"}


def test_the_gdpr_export_holds_every_holders_part_or_fails_naming_the_missing_one(
        client, login, fake_rpc):
    fake_rpc.on("contacts", "gdpr_export", {"contact": CONTACT, "consents": [], "events": []})
    fake_rpc.on("sales", "gdpr_export", {"opportunities": [{"id": "d1"}]})
    fake_rpc.on("support", "gdpr_export", {"tickets": [{"id": "t1"}]})
    fake_rpc.on("marketing", "gdpr_export", {"mails": [{"campaign_id": "m1"}]})
    admin = login("admin")

    export = client.get("/api/v1/contacts/c1/gdpr-export", headers=admin)
    assert export.status_code == 200
    body = export.get_json()
    assert body["contact"]["id"] == "c1"
    assert (body["sales"], body["support"], body["marketing"]) == (
        {"opportunities": [{"id": "d1"}]}, {"tickets": [{"id": "t1"}]},
        {"mails": [{"campaign_id": "m1"}]})

    fake_rpc.on("support", "gdpr_export", lambda contact_id: (_ for _ in ()).throw(
        RpcTimeout("support", "gdpr_export", 30.0)))
    partial = client.get("/api/v1/contacts/c1/gdpr-export", headers=admin)
    assert partial.status_code == 503 and "support" in partial.get_json()["detail"]
