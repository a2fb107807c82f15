"""The CSAT survey opens with its signed link alone; forged, expired and reused links get
their own answers and change nothing."""

import dataclasses

import pytest
from gateway_fakes import SmtpInbox, remote

from gateway.db import db
from gateway.models import AuditEntry

TOKEN = "5f1c2d7e-0000-4000-8000-000000000001.1796000000." + "ab" * 32
SURVEY = {"ticket_id": "5f1c2d7e-0000-4000-8000-000000000001", "ticket_number": "T-1001",
          "subject": "Printer on fire", "expires_at": "2026-12-10T15:00:00+00:00",
          "submitted": False, "rating": None}
ANSWER = {"ticket_id": SURVEY["ticket_id"], "rating": 4, "comment": "quick",
          "submitted_at": "2026-11-26T16:00:00+00:00"}


def fails(exc_type, message, *details):
    def handler(*args):
        raise remote(exc_type, message, *details)
    return handler


def test_the_survey_shows_what_is_rated_without_a_login(client, fake_rpc):
    fake_rpc.on("support", "get_survey", SURVEY)
    response = client.get(f"/api/v1/surveys/{TOKEN}")
    assert response.status_code == 200
    assert response.get_json() == SURVEY
    assert [(c[1], c[2]) for c in fake_rpc.calls] == [("get_survey", (TOKEN,))]


def test_a_rating_is_sent_once(client, fake_rpc):
    fake_rpc.on("support", "submit_survey", ANSWER)
    response = client.post(f"/api/v1/surveys/{TOKEN}", json={"rating": 4, "comment": "quick"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == ANSWER
    assert [(c[1], c[2]) for c in fake_rpc.calls] == [
        ("submit_survey", (TOKEN, {"rating": 4, "comment": "quick"}))]
    fake_rpc.on("support", "submit_survey", fails("Conflict", "rated already"))
    again = client.post(f"/api/v1/surveys/{TOKEN}", json={"rating": 1})
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["title"] == "Survey answered"


@pytest.mark.parametrize("token", ["not-a-token", "abc.def.ghi", TOKEN[:-1],
                                   TOKEN.replace(".1796", ".x796")])
def test_a_malformed_link_is_401_without_a_call(client, fake_rpc, token):
    for response in (client.get(f"/api/v1/surveys/{token}"),
                     client.post(f"/api/v1/surveys/{token}", json={"rating": 5})):
        assert response.status_code == 401
        assert response.get_json()["title"] == "Invalid survey link"
    assert fake_rpc.calls == []


def test_a_forged_signature_is_401(client, fake_rpc):
    fake_rpc.on("support", "submit_survey", fails(
        "ValidationFailed", "not a valid survey link",
        {"token": ["the survey token's signature does not match"]}))
    response = client.post(f"/api/v1/surveys/{TOKEN}", json={"rating": 5})
    assert response.status_code == 401
    assert "not one this CRM sent" in response.get_json()["detail"]


def test_an_expired_link_is_410(client, fake_rpc):
    fake_rpc.on("support", "get_survey", fails("Gone", "the survey link has expired"))
    fake_rpc.on("support", "submit_survey", fails("Gone", "the survey link has expired"))
    assert client.get(f"/api/v1/surveys/{TOKEN}").status_code == 410
    response = client.post(f"/api/v1/surveys/{TOKEN}", json={"rating": 5})
    assert response.status_code == 410
    assert response.get_json()["title"] == "Survey expired"


@pytest.mark.parametrize(("body", "fields"), [
    ({"rating": 6}, {"rating"}), ({"rating": 0}, {"rating"}), ({"rating": "5"}, {"rating"}),
    ({}, {"rating"}), ({"rating": 3, "stars": 3}, {"stars"})])
def test_a_bad_rating_is_422_without_a_call(client, fake_rpc, body, fields):
    response = client.post(f"/api/v1/surveys/{TOKEN}", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


def test_a_stale_staff_cookie_does_not_block_the_survey(client, fake_rpc):
    fake_rpc.on("support", "get_survey", SURVEY)
    client.set_cookie("crm_session", "expired.or.forged")
    assert client.get(f"/api/v1/surveys/{TOKEN}").status_code == 200


def test_solving_a_ticket_mails_its_contact_the_survey_link(app, client, login, fake_rpc):
    solved = {"id": "t1", "number": "T-1001", "status": "solved", "contact_id": "c1",
              "survey_token": TOKEN, "version": 5}
    fake_rpc.on("support", "get_ticket", {**solved, "status": "open", "survey_token": None})
    fake_rpc.on("support", "change_status", solved)
    fake_rpc.on("contacts", "get_contact", {"id": "c1", "email": "ana@example.org"})
    with SmtpInbox() as inbox:
        app.config["CRM"] = dataclasses.replace(app.config["CRM"], smtp_url=inbox.url,
                                                public_url="https://crm.example.com")
        response = client.post("/api/v1/tickets/t1/status", json={"status": "solved"},
                               headers=login("support_agent"))
        assert response.status_code == 200
        assert response.get_json()["survey_token"] == TOKEN
        [(recipients, message)] = inbox.wait()
    assert recipients == ["ana@example.org"]
    assert f"https://crm.example.com/survey/{TOKEN}" in message.get_content()
    assert "T-1001" in message.get_content()


def test_solving_again_mails_nothing(app, client, login, fake_rpc):
    solved = {"id": "t1", "status": "solved", "contact_id": "c1", "survey_token": TOKEN,
              "version": 5}
    fake_rpc.on("support", "get_ticket", solved)
    fake_rpc.on("support", "change_status", solved)
    response = client.post("/api/v1/tickets/t1/status", json={"status": "solved"},
                           headers=login("support_agent"))
    assert response.status_code == 200
    assert [call[1] for call in fake_rpc.calls] == ["get_ticket", "change_status"]


def test_the_audit_log_keeps_the_rating_but_not_the_link(app, client, fake_rpc):
    fake_rpc.on("support", "submit_survey", ANSWER)
    assert client.post(f"/api/v1/surveys/{TOKEN}", json={"rating": 4}).status_code == 201
    app.extensions["crm.audit"].flush()  # entries are saved in batches
    with app.test_request_context():
        [entry] = db().query(AuditEntry).filter(AuditEntry.path.like("/api/v1/surveys/%")).all()
    assert entry.path == "/api/v1/surveys/<token>" and entry.status == 201
