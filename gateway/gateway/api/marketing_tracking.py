"""What campaign mails link to, with no login: the open pixel, click redirects and the
unsubscribe page and its RFC 8058 one-click POST. The signed token in the address is the
only credential (the marketing service checks it); a forged one gets 401, never a
redirect. And the bounce notices a mail relay posts with an API key."""

from __future__ import annotations

import base64
import html
import re

from flask import Response, g, redirect, request

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.marketing_schemas import BounceIn, BounceOut, UnsubscribeOut
from gateway.errors import Problem, from_remote
from gateway.permissions import EMAIL_BOUNCES, public, requires
from gateway.rpc import RemoteError

blp = Blueprint("tracking", __name__, url_prefix="/api/v1",
                description="Campaign mail links (no login) and bounce notices")
# <kind>.<recipient id>[.<base64url target>].<HMAC-SHA256 hex>, signed by the service.
TOKEN = re.compile(r"^[ocu]\.[A-Za-z0-9-]{1,36}(\.[A-Za-z0-9_-]{1,4000})?\.[0-9a-f]{64}$")
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}
LINK_DOC = {"security": [], "responses": {"401": {"description": "a forged or malformed link"},
                                          "404": {"description": "a mail no longer known"}}}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Unsubscribe</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto">{body}</body></html>"""


def _forged() -> Problem:
    return Problem(401, "Invalid link", "this link is not one this CRM sent")


def _ask(method: str, token: str, *args):
    if not TOKEN.match(token):
        raise _forged()
    try:
        return services.call("marketing", method, token, *args)
    except RemoteError as error:
        if error.exc_type == "ValidationFailed" and "token" in (from_remote(error).errors
                                                                or {}):
            raise _forged() from None
        raise


@blp.route("/t/o/<token>.gif", methods=["GET"])
@public
@blp.doc(summary="Open pixel", **LINK_DOC)
def open_pixel(token):
    """A 1×1 GIF in a campaign mail's HTML: loading it records `email.opened`."""
    _ask("track_open", token)
    return Response(PIXEL, mimetype="image/gif", headers=NO_STORE)


@blp.route("/t/c/<token>", methods=["GET"])
@public
@blp.doc(summary="Click redirect", responses={
    **LINK_DOC["responses"], "302": {"description": "to the link's signed target"}},
    security=[])
def click_redirect(token):
    """Records `email.clicked` and redirects to the target signed into the link (never
    to anything a caller chooses)."""
    target = _ask("track_click", token)["url"]
    response = redirect(target, code=302)
    response.headers.update(NO_STORE)
    return response


@blp.route("/unsubscribe/<token>", methods=["GET"])
@public
@blp.doc(summary="Unsubscribe page", **LINK_DOC)
def unsubscribe_page(token):
    """A page with one button: opening it changes nothing (mail scanners open links),
    pressing the button unsubscribes."""
    info = _ask("unsubscribe_info", token)
    campaign = html.escape(info.get("campaign_name") or "our mails")
    who = html.escape(info.get("email_hint") or "this address")
    if info.get("unsubscribed"):
        body = f"<h1>Unsubscribed</h1><p>{who} gets no more marketing mail from us.</p>"
    else:
        body = (f"<h1>Unsubscribe</h1><p>Stop marketing mail like “{campaign}” to {who}?</p>"
                f'<form method="post"><input type="hidden" name="confirm" value="1">'
                f'<button type="submit">Unsubscribe</button></form>')
    return Response(PAGE.format(body=body), mimetype="text/html", headers=NO_STORE)


@blp.route("/unsubscribe/<token>", methods=["POST"])
@public
@blp.doc(summary="Unsubscribe (RFC 8058 one-click)", **LINK_DOC)
@blp.response(200, UnsubscribeOut)
def unsubscribe(token):
    """What a mail client's one-click unsubscribe POSTs (`List-Unsubscribe=One-Click`,
    form-encoded), or the page's button. Withdraws the contact's email consent in the
    contacts service, once: a repeated POST answers `already: true`."""
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    result = _ask("unsubscribe", token, "one_click" if one_click else "link")
    g.resource_id = token.split(".")[1]
    if request.form.get("confirm") == "1":
        return Response(PAGE.format(body="<h1>Unsubscribed</h1><p>You will get no more "
                                         "marketing mail from us.</p>"),
                        mimetype="text/html", headers=NO_STORE)
    return result


@blp.route("/marketing/bounces", methods=["POST"])
@requires(EMAIL_BOUNCES)
@blp.arguments(BounceIn)
@blp.response(201, BounceOut)
@blp.alt_response(200, schema=BounceOut, description="a bounce seen before")
def record_bounce(data):
    """A mail relay's bounce notice for a campaign mail, by its Message-ID. Needs an API
    key with the `email_bounces:write` scope. 404 for a Message-ID this CRM did not send."""
    result = services.call("marketing", "record_bounce", data)
    g.resource_id = result["recipient_id"]
    return result, 200 if result["duplicate"] else 201
