"""Pipelines, products and price lists through the gateway: what each route asks of the
sales service, and that only sales managers and admins shape them."""

import pytest
from gateway_fakes import remote

STAGES = [{"id": "s1", "pipeline_id": "p1", "name": "Lead", "position": 0,
           "probability": 10, "time_limit_days": 14}]
PIPELINE = {"id": "p1", "name": "Enterprise", "is_default": False, "version": 2,
            "stages": STAGES}
PRODUCT = {"id": "pr1", "sku": "SEAT-1Y", "name": "Seat, one year", "active": True,
           "version": 5}
PRICE_LIST = {"id": "pl1", "name": "Europe 2027", "active": True, "version": 4,
              "prices": [{"product_id": "pr1", "currency": "EUR", "unit_price": "18.00"}]}


def sales_calls(fake_rpc):
    return [(method, args) for service, method, args, _, _ in fake_rpc.calls
            if service == "sales"]


@pytest.mark.parametrize(("method", "path", "body", "rpc", "args", "answer", "status"), [
    ("post", "/api/v1/pipelines",
     {"name": "Enterprise", "stages": [{"name": "Lead", "probability": 10,
                                        "time_limit_days": 14}]},
     "create_pipeline", ({"name": "Enterprise", "stages": [
         {"name": "Lead", "probability": 10, "time_limit_days": 14}]},), PIPELINE, 201),
    ("get", "/api/v1/pipelines/p1", None, "get_pipeline", ("p1",), PIPELINE, 200),
    ("patch", "/api/v1/pipelines/p1",
     {"stages": [{"id": "s1", "name": "Lead", "probability": 5}]}, "update_pipeline",
     ("p1", {"stages": [{"id": "s1", "name": "Lead", "probability": 5}]}, None),
     PIPELINE, 200),
    ("delete", "/api/v1/pipelines/p1", None, "delete_pipeline", ("p1", None), None, 204),
    ("post", "/api/v1/products", {"sku": "SEAT-1Y", "name": "Seat, one year"},
     "create_product", ({"sku": "SEAT-1Y", "name": "Seat, one year"},), PRODUCT, 201),
    ("get", "/api/v1/products/pr1", None, "get_product", ("pr1",), PRODUCT, 200),
    ("patch", "/api/v1/products/pr1", {"active": False}, "update_product",
     ("pr1", {"active": False}, None), PRODUCT, 200),
    ("delete", "/api/v1/products/pr1", None, "delete_product", ("pr1", None), None, 204),
    ("post", "/api/v1/price-lists", {"name": "Europe 2027"}, "create_price_list",
     ({"name": "Europe 2027"},), PRICE_LIST, 201),
    ("get", "/api/v1/price-lists/pl1", None, "get_price_list", ("pl1",), PRICE_LIST, 200),
    ("patch", "/api/v1/price-lists/pl1", {"description": None}, "update_price_list",
     ("pl1", {"description": None}, None), PRICE_LIST, 200),
    ("delete", "/api/v1/price-lists/pl1", None, "delete_price_list", ("pl1", None), None,
     204),
    ("put", "/api/v1/price-lists/pl1/prices/pr1/EUR", {"unit_price": "18.00"}, "set_price",
     ("pl1", {"product_id": "pr1", "currency": "EUR", "unit_price": "18.00"}), PRICE_LIST,
     200),
    ("delete", "/api/v1/price-lists/pl1/prices/pr1/EUR", None, "remove_price",
     ("pl1", {"product_id": "pr1", "currency": "EUR"}), PRICE_LIST, 200),
])
def test_each_route_forwards_its_rpc(client, login, fake_rpc, method, path, body, rpc, args,
                                     answer, status):
    fake_rpc.on("sales", rpc, answer)
    response = getattr(client, method)(path, json=body, headers=login("sales_manager"))
    assert response.status_code == status, response.get_json()
    assert sales_calls(fake_rpc) == [(rpc, args)]
    if answer is not None:
        assert response.headers["ETag"] == f'"{answer["version"]}"'
    if status == 201:
        assert response.headers["Location"].endswith(f"/{answer['id']}")
    if status == 204:
        assert response.get_data() == b""


def test_lists_pass_their_filters(client, login, fake_rpc):
    fake_rpc.on("sales", "list_pipelines", {"items": [PIPELINE], "next_cursor": None})
    fake_rpc.on("sales", "list_products", {"items": [PRODUCT], "next_cursor": None})
    fake_rpc.on("sales", "list_price_lists", {"items": [], "next_cursor": None})
    headers = login("viewer")
    pipelines = client.get("/api/v1/pipelines", headers=headers).get_json()
    assert pipelines["items"][0]["stages"][0]["time_limit_days"] == 14
    products = client.get("/api/v1/products?active=false&q=seat&sort=sku", headers=headers)
    assert products.get_json()["items"][0]["sku"] == "SEAT-1Y"
    client.get("/api/v1/price-lists?active=true&limit=5", headers=headers)
    assert sales_calls(fake_rpc) == [
        ("list_pipelines", ()),
        ("list_products", ({"limit": 50, "sort": "sku", "q": "seat",
                            "filters": {"active": False}},)),
        ("list_price_lists", ({"limit": 5, "filters": {"active": True}},)),
    ]


@pytest.mark.parametrize(("method", "path", "body", "fields"), [
    ("post", "/api/v1/pipelines", {"name": "X", "stages": []}, {"stages"}),
    ("post", "/api/v1/pipelines", {"name": "X", "stages": [{"name": "A",
                                                            "probability": 120}]},
     {"stages"}),
    ("patch", "/api/v1/pipelines/p1", {"stages": [{"name": "A", "probability": "10"}]},
     {"stages"}),
    ("post", "/api/v1/products", {"name": "No sku", "price": "1"}, {"sku", "price"}),
    ("patch", "/api/v1/products/pr1", {"sku": ""}, {"sku"}),
    ("post", "/api/v1/price-lists", {"name": "X", "currency": "EUR"}, {"currency"}),
    ("put", "/api/v1/price-lists/pl1/prices/pr1/EUR", {"unit_price": 18.5}, {"unit_price"}),
    ("put", "/api/v1/price-lists/pl1/prices/pr1/EUR", {"unit_price": "-1"}, {"unit_price"}),
    ("put", "/api/v1/price-lists/pl1/prices/pr1/eur", {"unit_price": "1"}, {"currency"}),
    ("delete", "/api/v1/price-lists/pl1/prices/pr1/EURO", None, {"currency"}),
])
def test_bad_input_is_422_naming_the_field_without_a_call(client, login, fake_rpc, method,
                                                          path, body, fields):
    response = getattr(client, method)(path, json=body, headers=login("admin"))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()["errors"]) == fields
    assert fake_rpc.calls == []


def test_if_match_reaches_catalogue_writes(client, login, fake_rpc):
    seen = []

    def update(product_id, data, expected_version):
        seen.append(expected_version)
        if expected_version != 5:
            raise remote("StaleVersion", "the product changed since you read it")
        return {**PRODUCT, **data, "version": 6}

    fake_rpc.on("sales", "update_product", update)
    headers = login("sales_manager")
    stale = client.patch("/api/v1/products/pr1", json={"name": "Seat"},
                         headers={**headers, "If-Match": '"4"'})
    assert stale.status_code == 412
    fresh = client.patch("/api/v1/products/pr1", json={"name": "Seat"},
                         headers={**headers, "If-Match": '"5"'})
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"6"'
    assert seen == [4, 5]


def test_a_taken_sku_and_a_pipeline_in_use_are_409(client, login, fake_rpc):
    fake_rpc.on("sales", "create_product", lambda data: (_ for _ in ()).throw(
        remote("Conflict", "the sku 'SEAT-1Y' is taken")))
    fake_rpc.on("sales", "delete_pipeline", lambda *a: (_ for _ in ()).throw(
        remote("Conflict", "the default pipeline cannot be deleted")))
    headers = login("admin")
    taken = client.post("/api/v1/products", json={"sku": "SEAT-1Y", "name": "Seat"},
                        headers=headers)
    assert taken.status_code == 409 and "taken" in taken.get_json()["detail"]
    assert client.delete("/api/v1/pipelines/p1", headers=headers).status_code == 409


def test_an_unknown_product_is_404(client, login, fake_rpc):
    fake_rpc.on("sales", "get_product", lambda i: (_ for _ in ()).throw(
        remote("NotFound", f"no product {i}")))
    response = client.get("/api/v1/products/nope", headers=login("viewer"))
    assert response.status_code == 404 and response.get_json()["detail"] == "no product nope"


@pytest.mark.parametrize("role", ["sales_rep", "marketing", "support_agent", "viewer"])
def test_only_sales_managers_and_admins_shape_the_catalogue(client, login, fake_rpc, role):
    fake_rpc.on("sales", "get_product", PRODUCT)
    headers = login(role)
    assert client.get("/api/v1/products/pr1", headers=headers).status_code == 200
    writes = [("post", "/api/v1/products", {"sku": "A", "name": "A"}),
              ("patch", "/api/v1/products/pr1", {"name": "B"}),
              ("post", "/api/v1/price-lists", {"name": "A"}),
              ("put", "/api/v1/price-lists/pl1/prices/pr1/EUR", {"unit_price": "1"}),
              ("post", "/api/v1/pipelines", {"name": "A", "stages": [
                  {"name": "A", "probability": 1}]}),
              ("delete", "/api/v1/pipelines/p1", None)]
    for method, path, body in writes:
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 403, path
        assert "catalog:write" in response.get_json()["detail"]
    assert [method for method, _ in sales_calls(fake_rpc)] == ["get_product"]
