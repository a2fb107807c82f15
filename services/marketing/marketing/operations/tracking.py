"""What recipients do with a mail, through the gateway's signed links: open, click,
unsubscribe; and what mail servers say back: bounces. Each becomes an `email.*` event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketing.domain import links
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import NotFound, ValidationFailed
from marketing.models import Campaign, ContactView, Recipient, now
from marketing.operations import scoring, segments, triggers
from marketing.operations.common import flush


def _recipient(session: Session, key: str, token: str, kind: str) -> tuple[Recipient,
                                                                           links.Token]:
    try:
        read = links.read(key, token, kind)
    except links.BadToken:
        raise ValidationFailed("not a link this CRM sent", {"token": ["forged or malformed"]}) \
            from None
    recipient = session.get(Recipient, read.recipient_id)
    if recipient is None:
        raise NotFound("this mail is no longer known")
    return recipient, read


def _event(recipient: Recipient, **extra) -> dict[str, Any]:
    return {"campaign_id": recipient.campaign_id, "recipient_id": recipient.id,
            "contact_id": recipient.contact_id, "message_id": recipient.message_id,
            "at": now(), **extra}


def _first_engagement(uow, recipient: Recipient, event: str) -> None:
    flush(uow.session)
    segments.refresh_contact(uow, recipient.contact_id, behaviour_only=True)
    _score(uow, recipient, event)
    if not recipient.erased:
        triggers.enrol(uow, event, [recipient.contact_id], recipient.campaign_id)


def _score(uow, recipient: Recipient, event: str) -> None:
    if not recipient.erased:
        scoring.record_event(uow, recipient.contact_id, event, recipient.campaign_id,
                             ScoreSettings.from_env())


def opened(uow, key: str, token: str) -> None:
    recipient, _ = _recipient(uow.session, key, token, links.OPEN)
    first = recipient.opened_at is None
    recipient.opens += 1
    if first:
        recipient.opened_at = now()
        _first_engagement(uow, recipient, "email.opened")
    uow.emit("email.opened", _event(recipient, first=first))


def clicked(uow, key: str, token: str) -> str:
    """The link's target, for the gateway's redirect. A click counts as an open too: many
    mail clients load no images."""
    recipient, read = _recipient(uow.session, key, token, links.CLICK)
    first = recipient.clicked_at is None
    recipient.clicks += 1
    if recipient.opened_at is None:
        recipient.opened_at, recipient.opens = now(), recipient.opens + 1
        uow.emit("email.opened", _event(recipient, first=True))
        _first_engagement(uow, recipient, "email.opened")
    if first:
        recipient.clicked_at = now()
        _first_engagement(uow, recipient, "email.clicked")
    uow.emit("email.clicked", _event(recipient, url=read.url, first=first))
    return read.url


def unsubscribe_info(session: Session, key: str, token: str) -> dict[str, Any]:
    """What the unsubscribe page shows before the click: no personal data beyond a hint."""
    recipient, _ = _recipient(session, key, token, links.UNSUBSCRIBE)
    campaign = session.get(Campaign, recipient.campaign_id)
    return {"campaign_name": campaign.name if campaign else None,
            "email_hint": _hint(recipient.email),
            "unsubscribed": recipient.unsubscribed_at is not None}


def _hint(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def unsubscribe(uow, key: str, token: str, method: str,
                record_consent: Callable[[str, dict[str, Any]], Any]) -> dict[str, Any]:
    """Withdraw the contact's email consent in the contacts service (which owns it), once:
    the same link again answers that it is done, and records nothing more."""
    recipient, _ = _recipient(uow.session, key, token, links.UNSUBSCRIBE)
    if recipient.unsubscribed_at is not None:
        return {"unsubscribed": True, "already": True}
    campaign = uow.session.get(Campaign, recipient.campaign_id)
    if not recipient.erased:
        record_consent(recipient.contact_id, {
            "channel": "email", "status": "withdrawn",
            "source": f"unsubscribe link of campaign {campaign.name if campaign else ''}"
                      [:200]})
    # Conditional: of two clicks racing, one records the unsubscription and its event.
    moment = now()
    result = uow.session.execute(
        update(Recipient).where(Recipient.id == recipient.id,
                                Recipient.unsubscribed_at.is_(None))
        .values(unsubscribed_at=moment).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        uow.rollback()
        return {"unsubscribed": True, "already": True}
    contact = uow.session.get(ContactView, recipient.contact_id)
    if contact is not None:
        contact.email_consent, contact.email_consent_at = "withdrawn", moment
    flush(uow.session)
    segments.refresh_contact(uow, recipient.contact_id)
    _score(uow, recipient, "email.unsubscribed")
    uow.emit("email.unsubscribed", _event(recipient, method=method))
    return {"unsubscribed": True, "already": False}


def bounced(uow, values: dict[str, Any]) -> dict[str, Any]:
    wanted = values["message_id"].strip()
    if not wanted.startswith("<"):
        wanted = f"<{wanted}>"
    recipient = uow.session.scalar(select(Recipient).where(Recipient.message_id == wanted))
    if recipient is None:
        raise NotFound(f"no campaign mail with Message-ID {wanted}")
    first = recipient.bounced_at is None
    if first:
        recipient.bounced_at = now()
        uow.emit("email.bounced", _event(recipient, kind=values["kind"],
                                         reason=values.get("reason")))
        _score(uow, recipient, "email.bounced")
    return {"recipient_id": recipient.id, "campaign_id": recipient.campaign_id,
            "bounced_at": recipient.bounced_at.isoformat(), "duplicate": not first}
