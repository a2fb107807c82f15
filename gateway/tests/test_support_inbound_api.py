"""Inbound email: a mail gateway POSTs a raw message with its API key; the gateway refuses
what is too large or unreadable before calling the support service."""

import dataclasses

import pytest
from gateway_fakes import remote

RAW = (b"Return-Path: <ana@example.org>\r\n"
       b"Received: from mx.example.org by mail.crm.local; Thu, 26 Nov 2026 15:00:00 +0000\r\n"
       b"From: =?utf-8?q?Ana_G=C3=B3mez?= <ana@example.org>\r\n"
       b"To: support@crm.local\r\n"
       b"Subject: Re: [T-1001] Printer on fire\r\n"
       b"Date: Thu, 26 Nov 2026 15:00:00 +0000\r\n"
       b"Message-ID: <CAF1234@mail.example.org>\r\n"
       b"In-Reply-To: <m1@support.crm>\r\n"
       b"MIME-Version: 1.0\r\n"
       b"Content-Type: text/plain; charset=utf-8\r\n"
       b"Content-Transfer-Encoding: 8bit\r\n"
       b"\r\n"
       b"Still burning. Gr\xc3\xbc\xc3\x9fe, Ana\r\n")
TICKET = {"id": "t1", "number": "T-1001", "subject": "Printer on fire", "status": "open",
          "version": 4}
MESSAGE = {"id": "m2", "ticket_id": "t1", "body": "Still burning.", "public": True,
           "author_type": "customer", "author_id": "c1",
           "email_message_id": "CAF1234@mail.example.org",
           "created_at": "2026-11-26T15:00:01+00:00"}


@pytest.fixture
def mail_gateway(client, login):
    """Headers of an API key with the inbound_email:write scope, as a mail gateway holds."""
    created = client.post("/api/v1/api-keys", json={"name": "MX",
                                                    "scopes": ["inbound_email:write"]},
                          headers=login("admin"))
    assert created.status_code == 201, created.get_json()
    return {"X-API-Key": created.get_json()["key"]}


def received(created=False, duplicate=False):
    return {"ticket": TICKET, "message": MESSAGE, "created": created, "duplicate": duplicate}


def test_a_reply_is_passed_on_whole_and_answers_200(client, fake_rpc, mail_gateway):
    fake_rpc.on("support", "receive_email", received())
    response = client.post("/api/v1/inbound/email", data=RAW,
                           headers={**mail_gateway, "Content-Type": "message/rfc822"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ticket"]["number"] == "T-1001"
    assert response.get_json()["message"]["author_type"] == "customer"
    [(service, method, args, _, _)] = fake_rpc.calls
    assert (service, method) == ("support", "receive_email")
    assert args == (RAW.decode("utf-8"),)


def test_a_new_message_in_a_multipart_field_opens_a_ticket_201(client, fake_rpc,
                                                               mail_gateway):
    fake_rpc.on("support", "receive_email", received(created=True))
    response = client.post("/api/v1/inbound/email", headers=mail_gateway, data={
        "message": (__import__("io").BytesIO(RAW), "message.eml", "message/rfc822")},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] is True
    assert fake_rpc.calls[0][2] == (RAW.decode("utf-8"),)


def test_a_legacy_charset_survives(client, fake_rpc, mail_gateway):
    fake_rpc.on("support", "receive_email", received(created=True))
    raw = RAW.replace(b"charset=utf-8", b"charset=iso-8859-1").replace(
        "Grüße".encode(), "Grüße".encode("latin-1"))
    response = client.post("/api/v1/inbound/email", data=raw,
                           headers={**mail_gateway, "Content-Type": "message/rfc822"})
    assert response.status_code == 201
    assert fake_rpc.calls[0][2][0].encode("latin-1") == raw


def test_an_oversized_message_is_413_without_a_call(app, client, fake_rpc, mail_gateway):
    app.config["CRM"] = dataclasses.replace(app.config["CRM"], max_email_bytes=2000)
    big = RAW + b"x" * 3000
    response = client.post("/api/v1/inbound/email", data=big,
                           headers={**mail_gateway, "Content-Type": "message/rfc822"})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert "2000 bytes" in response.get_json()["detail"]
    assert fake_rpc.calls == []


@pytest.mark.parametrize("idempotency", [{}, {"Idempotency-Key": "mail-42"}])
def test_a_message_over_the_body_limit_but_under_the_email_cap_passes(app, client, fake_rpc,
                                                                      mail_gateway,
                                                                      idempotency):
    # The idempotency check reads the body before the route runs: the cap is set first.
    fake_rpc.on("support", "receive_email", received(created=True))
    app.config["CRM"] = dataclasses.replace(app.config["CRM"], max_body_bytes=1000)
    response = client.post("/api/v1/inbound/email", data=RAW + b"y" * 5000, headers={
        **mail_gateway, "Content-Type": "message/rfc822", **idempotency})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty"),
    (b"just some words\r\nwith no headers\r\n", "headers"),
    (b"To: support@crm.local\r\nSubject: who am I\r\n\r\nbody\r\n", "no From"),
    (b"From: nobody\r\nSubject: hi\r\n\r\nbody\r\n", "no email address"),
])
def test_a_malformed_message_is_422_naming_the_problem_without_a_call(client, fake_rpc,
                                                                      mail_gateway, raw,
                                                                      reason):
    response = client.post("/api/v1/inbound/email", data=raw,
                           headers={**mail_gateway, "Content-Type": "message/rfc822"})
    assert response.status_code == 422
    assert reason in response.get_json()["errors"]["message"][0]
    assert fake_rpc.calls == []


def test_the_services_refusal_names_the_message(client, fake_rpc, mail_gateway):
    fake_rpc.on("support", "receive_email", lambda raw: (_ for _ in ()).throw(remote(
        "ValidationFailed", "the sender cannot be a contact",
        {"raw": ["the From address ana@example.org is refused"]})))
    response = client.post("/api/v1/inbound/email", data=RAW,
                           headers={**mail_gateway, "Content-Type": "message/rfc822"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "message": ["the From address ana@example.org is refused"]}


def test_other_bodies_are_415(client, fake_rpc, mail_gateway):
    response = client.post("/api/v1/inbound/email", json={"raw": "x"}, headers=mail_gateway)
    assert response.status_code == 415
    assert fake_rpc.calls == []


def test_only_the_inbound_scope_and_admins_may_post_mail(client, login, fake_rpc):
    fake_rpc.on("support", "receive_email", received(created=True))
    other = client.post("/api/v1/api-keys", json={"name": "ERP", "scopes": ["tickets:write"]},
                        headers=login("admin")).get_json()["key"]
    for headers in [{"X-API-Key": other}, login("support_manager"), login("support_agent")]:
        response = client.post("/api/v1/inbound/email", data=RAW,
                               headers={**headers, "Content-Type": "message/rfc822"})
        assert response.status_code == 403
        assert "inbound_email:write" in response.get_json()["detail"]
    assert client.post("/api/v1/inbound/email", data=RAW,
                       headers={"Content-Type": "message/rfc822"}).status_code == 401
    assert fake_rpc.calls == []
