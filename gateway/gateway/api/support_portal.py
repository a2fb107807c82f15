"""The customer portal: a contact signs in with a one-time link mailed to them, then sees
and answers their own tickets, opens new ones and searches the published knowledge base.

The link's token is random and single use; the gateway keeps only its SHA-256. Following
it opens a session like a staff member's (an httpOnly SameSite cookie with a CSRF cookie
for writes, or the bearer token in the answer) whose principal is the contact, with the
`portal` permission alone: no staff route lets it in. The support service checks that
each ticket is the contact's and answers 404 otherwise, so that existence never leaks.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from datetime import timedelta

from flask import current_app, g, jsonify
from marshmallow import RAISE
from sqlalchemy import delete, func, select, update

from gateway import mail, services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import (
    PortalArticleOut,
    PortalArticleSearch,
    PortalMeOut,
    PortalMessageOut,
    PortalReplyIn,
    PortalSessionIn,
    PortalSessionOut,
    PortalTicketFilters,
    PortalTicketIn,
    PortalTicketOut,
    SignInIn,
)
from gateway.auth import issue_portal_token, with_session_cookies, without_session_cookies
from gateway.db import db
from gateway.errors import Problem
from gateway.http import page_schema
from gateway.models import LoginAttempt, PortalSignInLink, now
from gateway.permissions import PORTAL, public, requires
from gateway.rpc import RemoteError, RpcError

log = logging.getLogger(__name__)
blp = Blueprint("portal", __name__, url_prefix="/api/v1/portal",
                description="Customer portal: a contact's own tickets and the knowledge base")
PortalTicketPage = page_schema(PortalTicketOut, "PortalTicketPage")
PortalArticlePage = page_schema(PortalArticleOut, "PortalArticlePage")
# Links mailed to one address per window: more requests answer alike and send nothing.
LINKS_PER_WINDOW = 5


# --- signing in -------------------------------------------------------------------------------

@blp.route("/sign-in", methods=["POST"])
@public
@blp.doc(security=[])
@blp.arguments(SignInIn)
@blp.response(202)
def sign_in(data):
    """Ask for a sign-in link. Always 202, whether or not the address is a contact's:
    when it is, a link valid for `CRM_PORTAL_LINK_MINUTES` (15) minutes and good once is
    mailed to it."""
    email = data["email"].strip().lower()
    contact_id = _contact_with(email)
    if contact_id is not None and _may_send(email):
        token = secrets.token_urlsafe(32)
        settings = current_app.config["CRM"]
        db().add(PortalSignInLink(token_hash=_digest(token), contact_id=contact_id,
                                  expires_at=now() + timedelta(
                                      minutes=settings.portal_link_minutes)))
        db().commit()
        # Mailing in the background answers known and unknown addresses equally fast.
        threading.Thread(target=_mail_link, args=(settings, email, token),
                         daemon=True).start()
    return current_app.response_class(status=202)


@blp.route("/session", methods=["POST"])
@public
@blp.doc(security=[], responses={"401": {"description": "not a link this CRM sent"},
                                 "409": {"description": "the link was used already"},
                                 "410": {"description": "the link has expired"}})
@blp.arguments(PortalSessionIn)
@blp.response(200, PortalSessionOut)
def open_session(data):
    """Follow the mailed link: its token opens a portal session, once. The answer sets an
    httpOnly session cookie and a CSRF cookie (send its value as `X-CSRF-Token` on writes)
    and carries a bearer token for apps."""
    digest = _digest(data["token"])
    session = db()
    moment = now()
    claimed = session.execute(
        update(PortalSignInLink)
        .where(PortalSignInLink.token_hash == digest, PortalSignInLink.used_at.is_(None),
               PortalSignInLink.expires_at > moment)
        .values(used_at=moment))
    session.commit()
    link = session.scalar(select(PortalSignInLink)
                          .where(PortalSignInLink.token_hash == digest))
    if claimed.rowcount != 1:
        if link is None:
            raise Problem(401, "Invalid link", "this sign-in link is not one this CRM sent")
        if link.used_at is not None:
            raise Problem(409, "Link used", "this sign-in link was used already: ask for "
                          "a new one")
        raise Problem(410, "Link expired", "this sign-in link has expired: ask for a new one")
    access_token, ttl, session_id = issue_portal_token(link.contact_id)
    g.resource_id = link.contact_id
    response = jsonify(PortalSessionOut().dump({
        "access_token": access_token, "token_type": "bearer", "expires_in": ttl,
        "contact_id": link.contact_id}))
    return with_session_cookies(response, access_token, ttl, session_id)


@blp.route("/session", methods=["DELETE"])
@public
@blp.doc(security=[])
@blp.response(204)
def close_session():
    """Sign the contact out of this browser."""
    return without_session_cookies(current_app.response_class(status=204))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _contact_with(email: str) -> str | None:
    """The id of the live contact with this email, or None (also when the contacts
    service cannot answer: the caller learns nothing either way)."""
    try:
        found = services.call("contacts", "list_contacts",
                              {"limit": 5, "filters": {"email": email}})
    except RpcError:
        log.warning("portal sign-in: the contacts service did not answer")
        return None
    for contact in found.get("items", []):
        if (contact.get("email") or "").strip().lower() == email \
                and not contact.get("merged_into_id") and not contact.get("erased_at"):
            return contact["id"]
    return None


def _may_send(email: str) -> bool:
    settings = current_app.config["CRM"]
    session = db()
    key = f"portal-link:{email}"
    since = now() - timedelta(seconds=settings.login_window_seconds)
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key,
                                               LoginAttempt.at < since))
    # Counted first, committed, then compared: of requests sent at once, each sees at
    # least those committed before it, so no more than the limit are mailed. A refused
    # request takes its row back: only the links mailed count.
    request_row = LoginAttempt(key=key)
    session.add(request_row)
    session.commit()
    asked = session.scalar(select(func.count()).select_from(LoginAttempt)
                           .where(LoginAttempt.key == key, LoginAttempt.at >= since))
    if asked > LINKS_PER_WINDOW:
        session.delete(request_row)
        session.commit()
        return False
    return True


def _mail_link(settings, email: str, token: str) -> None:
    link = f"{settings.public_url}/portal/sign-in?token={token}"
    body = (f"Hello,\n\nfollow this link to sign in to the customer portal:\n\n{link}\n\n"
            f"It works once, for {settings.portal_link_minutes} minutes. If you did not ask "
            "for it, ignore this message.\n")
    try:
        mail.send(email, "Your sign-in link", body, settings=settings)
    except Exception:
        log.exception("portal sign-in: could not mail the link")


# --- the contact's tickets and the knowledge base ----------------------------------------------

def _contact_id() -> str:
    # An admin (`*`) or an API key given the portal scope is not a contact.
    if g.principal.kind != "contact":
        raise Problem(403, "Forbidden", "the portal is for contacts signed in with a link")
    return g.principal.id


@blp.route("/me", methods=["GET"])
@requires(PORTAL)
@blp.response(200, PortalMeOut)
@blp.alt_response(410, description="the contact was merged or erased: sign in again")
def me():
    """Who is signed in: the contact's name and email."""
    contact_id = _contact_id()
    try:
        contact = services.call("contacts", "get_contact", contact_id)
    except RemoteError as exc:
        if exc.exc_type != "NotFound":
            raise
        contact = None
    # A session outlives neither the contact's deletion, nor its erasure, nor its merge.
    if contact is None or contact.get("erased_at") or contact.get("merged_into_id"):
        raise Problem(410, "Session ended", "this contact no longer exists: sign in again")
    return {"contact_id": contact_id, **{name: contact.get(name)
                                         for name in ("first_name", "last_name", "email")}}


@blp.route("/tickets", methods=["GET"])
@requires(PORTAL)
@blp.arguments(PortalTicketFilters, location="query", unknown=RAISE)
@blp.response(200, PortalTicketPage)
def list_tickets(args):
    """The signed-in contact's tickets, newest first."""
    contact_id = _contact_id()
    query = {name: args[name] for name in ("limit", "cursor") if name in args}
    query["filters"] = {name: args[name] for name in ("status", "open") if name in args}
    return services.call("support", "portal_list_tickets", contact_id, query)


@blp.route("/tickets", methods=["POST"])
@requires(PORTAL)
@blp.arguments(PortalTicketIn)
@blp.response(201, PortalTicketOut)
def create_ticket(data):
    """A new ticket from the signed-in contact (channel `web_form`)."""
    ticket = services.call("support", "portal_create_ticket", _contact_id(), data)
    g.resource_id = ticket["id"]
    return _public_only(ticket), 201, {"Location": f"/api/v1/portal/tickets/{ticket['id']}"}


@blp.route("/tickets/<item_id>", methods=["GET"])
@requires(PORTAL)
@blp.response(200, PortalTicketOut)
def get_ticket(item_id):
    """One of the contact's tickets with its public messages (404 for any other)."""
    return _public_only(services.call("support", "portal_get_ticket", _contact_id(),
                                      item_id))


@blp.route("/tickets/<item_id>/messages", methods=["POST"])
@requires(PORTAL)
@blp.arguments(PortalReplyIn)
@blp.response(201, PortalMessageOut)
def reply(data, item_id):
    """Answer on one of the contact's tickets; a pending or solved one opens again."""
    message = services.call("support", "portal_reply", _contact_id(), item_id, data)
    g.resource_id = item_id
    return message, 201


@blp.route("/kb/articles", methods=["GET"])
@requires(PORTAL)
@blp.arguments(PortalArticleSearch, location="query", unknown=RAISE)
@blp.response(200, PortalArticlePage)
def search_articles(args):
    """Search the published articles, best match first."""
    _contact_id()
    return services.call("support", "search_articles", {**args, "published_only": True})


def _public_only(ticket: dict) -> dict:
    # The service sends public messages only; this keeps an internal note from ever
    # reaching a customer should that change.
    if "messages" in ticket:
        ticket = {**ticket, "messages": [message for message in ticket["messages"]
                                         if message.get("public", True)]}
    return ticket
