"""Accounts: the companies contacts work for."""

from __future__ import annotations

from flask import g
from marshmallow import RAISE

from gateway import compose, services
from gateway.api.blueprint import Blueprint
from gateway.api.reporting_schemas import AsOfArgs
from gateway.api.schemas import ACCOUNT_FILTERS, AccountFilters, AccountIn, AccountOut, AccountPatch
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("accounts", __name__, url_prefix="/api/v1/accounts", description="Accounts")
AccountPage = page_schema(AccountOut, "AccountPage")


@blp.route("", methods=["GET"])
@requires("accounts:read")
@blp.arguments(AccountFilters, location="query")
@blp.response(200, AccountPage)
def list_accounts(args):
    """Accounts, newest first; `q` searches names and domains."""
    return services.call("contacts", "list_accounts", list_query(args, ACCOUNT_FILTERS))


@blp.route("", methods=["POST"])
@requires("accounts:write")
@blp.arguments(AccountIn)
@blp.response(201, AccountOut)
def create_account(data):
    account = services.call("contacts", "create_account", data)
    g.resource_id = account["id"]
    return with_etag(account, 201, f"/api/v1/accounts/{account['id']}")


@blp.route("/<item_id>", methods=["GET"])
@requires("accounts:read")
@blp.response(200, AccountOut)
def get_account(item_id):
    return with_etag(services.call("contacts", "get_account", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("accounts:write")
@blp.arguments(AccountPatch)
@blp.response(200, AccountOut)
def update_account(data, item_id):
    """Change some fields; send If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("contacts", "update_account", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("accounts:write")
@blp.response(204)
def delete_account(item_id):
    services.call("contacts", "delete_account", item_id, expected_version())


@blp.route("/<item_id>/360", methods=["GET"])
@requires("accounts:read")
@blp.arguments(AsOfArgs, location="query", unknown=RAISE)
@blp.response(200)
def account_360(args, item_id):
    """The account with its people; parts that did not answer are listed in `missing`.
    With `as_of`, the account as the platform knew it then."""
    if "as_of" in args:
        return compose.as_of("account", item_id, args["as_of"])
    return compose.compose(compose.account_parts(item_id))
