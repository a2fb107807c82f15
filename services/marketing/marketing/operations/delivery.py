"""Sending a campaign's mails: claimed under a lease, sent, then marked, one at a time.

Every replica's timer claims due recipients with a conditional UPDATE (a claim token and a
lease), so no two replicas send the same mail. A mail is marked `sent` only after the
SMTP server accepted it, in a transaction that checks the claim is still its own. A
replica that dies before sending leaves the lease to run out and the mail to be claimed
again: nothing is lost. One that dies after the server accepted but before its commit
makes the mail go again with the same Message-ID (campaign + recipient), which a
receiving server or client recognises as the same mail: the narrowest window SMTP allows.
A refusal or an absent server is kept as the row's error and retried with back-off, up to
the attempts allowed; then the mail is `failed` and `email.failed` is emitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from crm_chassis import settings as chassis_settings
from marketing.domain import campaigns as lifecycle
from marketing.domain import links
from marketing.domain import mail as mails
from marketing.domain import templates as rendering
from marketing.domain.campaigns import SendSettings
from marketing.models import AccountView, Campaign, ContactView, Recipient, Template, new_id, now
from marketing.operations import campaigns, templates

log = logging.getLogger(__name__)


def _claimable(moment: datetime):
    return or_(
        and_(Recipient.status == lifecycle.PENDING, Recipient.next_attempt_at <= moment),
        # A sender that died mid-way: its lease ran out.
        and_(Recipient.status == lifecycle.CLAIMED, Recipient.lease_until < moment),
    )


def _due(moment: datetime):
    """A scheduled campaign whose time came."""
    return and_(Campaign.status == lifecycle.SCHEDULED, Campaign.scheduled_at <= moment)


def anything_to_do(session: Session, moment: datetime | None = None) -> bool:
    """Whether a sending tick has work: a scheduled campaign due, a mail to claim, or a
    campaign still sending (to complete once its mails are out). One query: every replica
    ticks every second whether or not anything is sent, and the tick's three steps cost
    three queries and two transactions each time."""
    moment = moment or now()
    return bool(session.scalar(select(or_(
        exists().where(_due(moment)),
        exists().where(_claimable(moment)),
        exists().where(Campaign.status == lifecycle.SENDING)))))


def claim_due(session: Session, config: SendSettings,
              moment: datetime | None = None) -> list[tuple[str, str]]:
    """Claim up to a batch of due mails; returns (recipient id, claim token) of each won."""
    moment = moment or now()
    candidates = session.scalars(select(Recipient.id).where(_claimable(moment))
                                 .order_by(Recipient.next_attempt_at).limit(config.batch)).all()
    claimed = []
    for recipient_id in candidates:
        token = new_id()
        # Conditional: of replicas racing for a row, only one UPDATE matches it.
        result = session.execute(
            update(Recipient).where(Recipient.id == recipient_id, _claimable(moment))
            .values(status=lifecycle.CLAIMED, claim_token=token,
                    lease_until=moment + timedelta(seconds=config.lease_seconds),
                    attempts=Recipient.attempts + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            claimed.append((recipient_id, token))
    session.commit()
    return claimed


def _finish(uow, recipient_id: str, token: str, **values) -> bool:
    result = uow.session.execute(
        update(Recipient).where(Recipient.id == recipient_id, Recipient.claim_token == token,
                                Recipient.status == lifecycle.CLAIMED)
        .values(lease_until=None, **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _mail_event(recipient: Recipient, **extra) -> dict:
    return {"campaign_id": recipient.campaign_id, "recipient_id": recipient.id,
            "contact_id": recipient.contact_id, "message_id": recipient.message_id,
            "at": now(), **extra}


def compose(session: Session, campaign: Campaign, recipient: Recipient, contact: ContactView,
            config: SendSettings, key: str) -> mails.Outgoing:
    template = session.get(Template, campaign.template_id)
    account = session.get(AccountView, contact.account_id) if contact.account_id else None
    urls = links.urls(config.public_url, key, recipient.id)
    context = rendering.context_for(templates.contact_data(contact),
                                    templates.account_data(account),
                                    {"id": campaign.id, "name": campaign.name},
                                    urls["unsubscribe"])
    rendered = rendering.render(templates.parts_of(template), context)
    html = rendered.html_body
    if html:
        html = links.with_pixel(links.track_links(html, config.public_url, key, recipient.id,
                                                  urls["unsubscribe"]), urls["open"])
    return mails.Outgoing(sender=campaign.from_address or config.mail_from,
                          to=contact.email, subject=rendered.subject,
                          text_body=rendered.text_body, html_body=html,
                          message_id=recipient.message_id,
                          unsubscribe_url=urls["unsubscribe"], campaign_id=campaign.id)


def perform(uow, recipient_id: str, token: str, config: SendSettings,
            send: Callable[[mails.Outgoing], None]) -> str | None:
    """Send one claimed mail and record the outcome; None when the claim was lost."""
    recipient = uow.session.get(Recipient, recipient_id, populate_existing=True)
    if recipient is None or recipient.claim_token != token \
            or recipient.status != lifecycle.CLAIMED:
        uow.rollback()
        return None
    message_id = recipient.message_id
    campaign = uow.session.get(Campaign, recipient.campaign_id)
    contact = uow.session.get(ContactView, recipient.contact_id)
    if campaign.status == lifecycle.CANCELLED:
        outcome, values = "cancelled", {"status": lifecycle.DROPPED}
    elif contact is None or not contact.email or contact.email_consent != "granted":
        # Consent withdrawn (or the contact erased) since the campaign started.
        outcome, values = "no_consent", {"status": lifecycle.DROPPED,
                                         "error": "no email consent any more"}
    else:
        try:
            outgoing = compose(uow.session, campaign, recipient, contact, config,
                               chassis_settings.secret_key())
        except Exception as exc:  # this contact's values do not render: retrying won't help
            return _give_up(uow, recipient, token, f"does not render: {exc}")
        # Read before the rollback expires the row: once the server has accepted the mail,
        # every round trip before the commit widens the window in which a crash sends it
        # twice, and reading the row again was one.
        sent = _mail_event(recipient, attempts=recipient.attempts)
        uow.rollback()  # no transaction stays open while the SMTP server answers
        try:
            send(outgoing)
        except Exception as exc:
            return _retry_or_give_up(uow, recipient_id, token, config,
                                     f"{type(exc).__name__}: {exc}")
        outcome, values = "sent", {"status": lifecycle.DELIVERED, "sent_at": now(),
                                   "error": None}
    if not _finish(uow, recipient_id, token, **values):
        uow.rollback()
        log.warning("mail %s: claim lost after sending; the next sender re-sends it with "
                    "the same Message-ID", message_id)
        return None
    if outcome == "sent":
        uow.emit("email.sent", {**sent, "at": now()})
    uow.commit()
    return outcome


def _retry_or_give_up(uow, recipient_id: str, token: str, config: SendSettings,
                      error: str) -> str | None:
    recipient = uow.session.get(Recipient, recipient_id, populate_existing=True)
    if recipient.attempts >= config.max_attempts:
        return _give_up(uow, recipient, token, error)
    if not _finish(uow, recipient_id, token, status=lifecycle.PENDING, claim_token=None,
                   error=error[:2000],
                   next_attempt_at=now() + lifecycle.retry_after(config, recipient.attempts)):
        uow.rollback()
        return None
    uow.commit()
    log.warning("mail %s not sent (attempt %d), retried later: %s", recipient.message_id,
                recipient.attempts, error)
    return "retry"


def _give_up(uow, recipient: Recipient, token: str, error: str) -> str | None:
    if not _finish(uow, recipient.id, token, status=lifecycle.FAILED, error=error[:2000]):
        uow.rollback()
        return None
    uow.emit("email.failed", _mail_event(recipient, attempts=recipient.attempts,
                                         error=error[:500]))
    uow.commit()
    log.error("mail %s failed for good after %d attempt(s): %s", recipient.message_id,
              recipient.attempts, error)
    return "failed"


def complete_finished(uow) -> int:
    """Campaigns whose every mail is sent, failed or dropped become `sent`, once."""
    busy = select(Recipient.id).where(Recipient.campaign_id == Campaign.id,
                                      Recipient.status.in_((lifecycle.PENDING,
                                                            lifecycle.CLAIMED)))
    done = uow.session.scalars(select(Campaign).where(
        Campaign.status == lifecycle.SENDING, ~busy.exists())).all()
    completed = 0
    for campaign in done:
        result = uow.session.execute(
            update(Campaign).where(Campaign.id == campaign.id, Campaign.status ==
                                   lifecycle.SENDING, Campaign.version == campaign.version)
            .values(status=lifecycle.SENT, completed_at=now(), updated_at=now(),
                    version=campaign.version + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            continue  # another replica completed it
        campaign = uow.session.get(Campaign, campaign.id, populate_existing=True)
        numbers = campaigns.counts(uow.session, campaign.id)
        uow.emit("campaign.completed", {"campaign": campaigns.campaign_event(campaign),
                                        "sent": numbers["sent"],
                                        "failed": numbers["failed"]})
        completed += 1
    uow.commit()
    return completed


def start_scheduled(uow) -> int:
    """Scheduled campaigns whose time came: each started once, by one replica."""
    moment = now()
    due = uow.session.scalars(select(Campaign.id).where(_due(moment))).all()
    uow.rollback()
    started = 0
    for campaign_id in due:
        campaign = uow.session.get(Campaign, campaign_id, populate_existing=True)
        if campaign.status != lifecycle.SCHEDULED:
            uow.rollback()
            continue
        try:
            try:
                campaigns.start(uow, campaign)
            except campaigns.ValidationFailed as exc:
                uow.rollback()
                log.warning("scheduled campaign %s not sent: %s", campaign_id, exc.errors)
                campaigns.cancel(uow, campaign_id, None)
            uow.commit()
            started += 1
        except Exception:  # versioned: a replica that started it first makes this stale
            uow.rollback()
            log.info("scheduled campaign %s was started by another replica", campaign_id)
    return started
