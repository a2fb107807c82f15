"""Customer time travel: every change of a contact or an account, who made it, when and
from which service, as the reporting service keeps it from the events."""

from __future__ import annotations

from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.reporting_schemas import HistoryArgs, HistoryPageOut
from gateway.http import as_is
from gateway.permissions import requires

blp = Blueprint("history", __name__, url_prefix="/api/v1",
                description="The history of contacts and accounts, from every service")


@blp.route("/contacts/<item_id>/history", methods=["GET"])
@requires("contacts:read")
@blp.arguments(HistoryArgs, location="query", unknown=RAISE)
@blp.response(200, HistoryPageOut)
def contact_history(args, item_id):
    """Every change of the contact and of what hangs on it (deals, tickets, orders,
    activities, consent, mails), oldest first: the event, who (`changed_by`), when and
    from which service (`source`). An erased contact's entries keep no personal data."""
    return as_is(services.call("reporting", "contact_history", item_id, args))


@blp.route("/accounts/<item_id>/history", methods=["GET"])
@requires("accounts:read")
@blp.arguments(HistoryArgs, location="query", unknown=RAISE)
@blp.response(200, HistoryPageOut)
def account_history(args, item_id):
    """Every change of the account and of what hangs on it, oldest first."""
    return as_is(services.call("reporting", "account_history", item_id, args))
