"""Quotes and orders through the gateway: the lifecycle's routes, money as strings, bad
lines refused before any call, and a refused step as 409."""

import pytest
from gateway_fakes import remote

LINE = {"position": 1, "product_id": "pr1", "description": "Seat", "quantity": "3",
        "unit_price": "18.00", "discount_percent": "10", "tax_rate": "20",
        "net_amount": "48.60", "tax_amount": "9.72", "total_amount": "58.32"}
QUOTE = {"id": "q1", "number": "Q-000001", "status": "draft", "currency": "EUR",
         "lines": [LINE], "subtotal": "54.00", "discount_total": "5.40",
         "net_total": "48.60", "tax_total": "9.72", "total": "58.32", "order_id": None,
         "version": 2}
ORDER = {"id": "or1", "number": "O-000001", "quote_id": "q1", "currency": "EUR",
         "lines": [LINE], "total": "58.32", "version": 1}


def sales_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "sales"]


NEW_QUOTE = {"currency": "EUR", "opportunity_id": "o1", "valid_until": "2026-12-31",
             "lines": [{"product_id": "pr1", "quantity": "3", "discount_percent": "10",
                        "tax_rate": 20}]}


@pytest.mark.parametrize(("method", "path", "body", "rpc", "args", "status"), [
    ("post", "/api/v1/quotes", NEW_QUOTE, "create_quote",
     ({"currency": "EUR", "opportunity_id": "o1", "valid_until": "2026-12-31",
       "lines": [{"product_id": "pr1", "quantity": "3", "discount_percent": "10",
                  "tax_rate": "20"}]},), 201),
    ("get", "/api/v1/quotes/q1", None, "get_quote", ("q1",), 200),
    ("patch", "/api/v1/quotes/q1", {"notes": "Net 30", "lines": []}, "update_quote",
     ("q1", {"notes": "Net 30", "lines": []}, None), 200),
    ("delete", "/api/v1/quotes/q1", None, "delete_quote", ("q1", None), 204),
    ("post", "/api/v1/quotes/q1/send", None, "send_quote", ("q1", None), 200),
    ("post", "/api/v1/quotes/q1/accept", None, "accept_quote", ("q1", None), 200),
    ("post", "/api/v1/quotes/q1/reject", {"reason": "too dear"}, "reject_quote",
     ("q1", {"reason": "too dear"}, None), 200),
    ("post", "/api/v1/quotes/q1/reject", None, "reject_quote", ("q1", {}, None), 200),
    ("post", "/api/v1/quotes/q1/expire", None, "expire_quote", ("q1", None), 200),
])
def test_each_route_forwards_its_rpc(client, login, fake_rpc, method, path, body, rpc, args,
                                     status):
    fake_rpc.on("sales", rpc, None if status == 204 else QUOTE)
    response = getattr(client, method)(path, json=body, headers=login("sales_rep"))
    assert response.status_code == status, response.get_json()
    assert sales_calls(fake_rpc) == [(rpc, args)]
    if status != 204:
        assert response.headers["ETag"] == '"2"'
        assert response.get_json()["lines"][0]["net_amount"] == "48.60"
    if status == 201:
        assert response.headers["Location"] == "/api/v1/quotes/q1"


def test_lists_keep_money_as_strings(client, login, fake_rpc):
    fake_rpc.on("sales", "list_quotes", {"items": [QUOTE], "next_cursor": None})
    fake_rpc.on("sales", "list_orders", {"items": [ORDER], "next_cursor": "n"})
    headers = login("viewer")
    quotes = client.get("/api/v1/quotes?status=sent&opportunity_id=o1", headers=headers)
    assert quotes.get_json()["items"][0]["total"] == "58.32"
    assert quotes.get_json()["items"][0]["lines"][0] == LINE
    orders = client.get("/api/v1/orders?account_id=a1&sort=-ordered_at", headers=headers)
    assert orders.get_json()["next_cursor"] == "n"
    assert orders.get_json()["items"][0]["quote_id"] == "q1"
    assert sales_calls(fake_rpc) == [
        ("list_quotes", ({"limit": 50, "filters": {"status": "sent",
                                                   "opportunity_id": "o1"}},)),
        ("list_orders", ({"limit": 50, "sort": "-ordered_at",
                          "filters": {"account_id": "a1"}},)),
    ]


def test_an_order_is_read_with_its_etag(client, login, fake_rpc):
    fake_rpc.on("sales", "get_order", ORDER)
    response = client.get("/api/v1/orders/or1", headers=login("support_agent"))
    assert response.status_code == 200 and response.headers["ETag"] == '"1"'
    assert sales_calls(fake_rpc) == [("get_order", ("or1",))]


def test_orders_cannot_be_written(client, login):
    headers = login("admin")
    assert client.post("/api/v1/orders", json={}, headers=headers).status_code == 405
    assert client.delete("/api/v1/orders/or1", headers=headers).status_code == 405


@pytest.mark.parametrize(("body", "fields"), [
    ({"lines": []}, {"currency"}),
    ({"currency": "EUR", "lines": [{"product_id": "pr1", "quantity": "-2"}]}, {"lines"}),
    ({"currency": "EUR", "lines": [{"product_id": "pr1", "quantity": "0"}]}, {"lines"}),
    ({"currency": "EUR", "lines": [{"product_id": "pr1", "quantity": 2.5}]}, {"lines"}),
    ({"currency": "EUR", "lines": [{"product_id": "pr1", "quantity": "1",
                                    "discount_percent": "101"}]}, {"lines"}),
    ({"currency": "EUR", "valid_until": "soon"}, {"valid_until"}),
    ({"currency": "EUR", "total": "1"}, {"total"}),
])
def test_bad_quotes_are_422_naming_the_field_without_a_call(client, login, fake_rpc, body,
                                                            fields):
    response = client.post("/api/v1/quotes", json=body, headers=login("sales_rep"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


def test_a_negative_quantity_names_the_line_and_field(client, login, fake_rpc):
    response = client.post("/api/v1/quotes", json={
        "currency": "EUR", "lines": [{"description": "ok", "quantity": "1"},
                                     {"description": "bad", "quantity": "-1"}]},
        headers=login("sales_rep"))
    assert response.get_json()["errors"] == {"lines": {"1": {"quantity": ["more than 0"]}}}


@pytest.mark.parametrize(("exc_type", "status"), [
    ("InvalidTransition", 409), ("StaleVersion", 412), ("NotFound", 404),
])
def test_a_refused_step_is_a_problem(client, login, fake_rpc, exc_type, status):
    fake_rpc.on("sales", "accept_quote", lambda *a: (_ for _ in ()).throw(
        remote(exc_type, "the quote expired on 2026-11-20")))
    response = client.post("/api/v1/quotes/q1/accept", headers={
        **login("sales_rep"), "If-Match": '"2"'})
    assert response.status_code == status
    assert response.get_json()["detail"] == "the quote expired on 2026-11-20"
    assert sales_calls(fake_rpc) == [("accept_quote", ("q1", 2))]


def test_a_viewer_reads_quotes_but_cannot_send_them(client, login, fake_rpc):
    fake_rpc.on("sales", "get_quote", QUOTE)
    headers = login("viewer")
    assert client.get("/api/v1/quotes/q1", headers=headers).status_code == 200
    assert client.post("/api/v1/quotes/q1/send", headers=headers).status_code == 403
    assert client.post("/api/v1/quotes", json=NEW_QUOTE, headers=headers).status_code == 403
    assert [method for method, _ in sales_calls(fake_rpc)] == ["get_quote"]
