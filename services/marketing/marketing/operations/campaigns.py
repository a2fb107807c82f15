"""Campaigns: a template sent to a segment, now or at a time, to those who consented.

Starting a campaign writes one recipient row per consenting member, in the transaction
that moves the campaign to `sending`; operations/delivery.py then sends them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from marketing.domain import campaigns as lifecycle
from marketing.domain.mail import message_id
from marketing.exceptions import InvalidTransition, ValidationFailed
from marketing.models import (
    Campaign,
    ContactView,
    Deal,
    LeadScore,
    Recipient,
    SegmentMember,
    new_id,
    now,
)
from marketing.operations import segments, templates
from marketing.operations.common import apply, check_version, flush, get_or_404, page, plain


def get_campaign(session: Session, campaign_id: str) -> Campaign:
    return get_or_404(session, Campaign, campaign_id, "campaign")


def _check_refs(session: Session, values: dict[str, Any]) -> None:
    errors = {}
    if "segment_id" in values:
        try:
            segments.get_segment(session, values["segment_id"])
        except Exception:
            errors["segment_id"] = [f"no segment {values['segment_id']}"]
    if "template_id" in values:
        try:
            templates.get_template(session, values["template_id"])
        except Exception:
            errors["template_id"] = [f"no template {values['template_id']}"]
    if errors:
        raise ValidationFailed("the campaign refers to what does not exist", errors)


def _check_budget(cost: Decimal, budget: Decimal | None) -> None:
    if budget is not None and cost > budget:
        raise ValidationFailed("the cost exceeds the budget", {
            "cost": [f"{cost:.2f} is over the budget of {budget:.2f}"]})


def create_campaign(uow, values: dict[str, Any]) -> Campaign:
    _check_refs(uow.session, values)
    values = {**values, "cost": values.get("cost") or Decimal("0")}
    _check_budget(values["cost"], values.get("budget"))
    campaign = Campaign(status=lifecycle.DRAFT, skipped_without_consent=0, **values)
    uow.session.add(campaign)
    flush(uow.session)
    return campaign


def update_campaign(uow, campaign_id: str, values: dict[str, Any],
                    expected: int | None) -> Campaign:
    campaign = get_campaign(uow.session, campaign_id)
    check_version(campaign, expected)
    editable_after_start = {"name", "cost", "budget"}
    if campaign.status not in lifecycle.EDITABLE and set(values) - editable_after_start:
        raise InvalidTransition(f"a {campaign.status} campaign keeps its segment, template, "
                                "sender and currency")
    _check_refs(uow.session, values)
    _check_budget(values.get("cost", campaign.cost),
                  values.get("budget", campaign.budget))
    if apply(campaign, values):
        flush(uow.session)
    return campaign


def list_campaigns(session: Session, values: dict[str, Any]):
    query = select(Campaign)
    if status := values["filters"].get("status"):
        query = query.where(Campaign.status == status)
    if segment_id := values["filters"].get("segment_id"):
        query = query.where(Campaign.segment_id == segment_id)
    return page(session, query, Campaign, values)


def schedule(uow, campaign_id: str, at: datetime, expected: int | None) -> Campaign:
    campaign = get_campaign(uow.session, campaign_id)
    check_version(campaign, expected)
    if not lifecycle.can_send(campaign.status):
        raise InvalidTransition(f"a {campaign.status} campaign cannot be scheduled")
    if at <= now():
        raise ValidationFailed("the time has passed", {"scheduled_at": ["must be in the future"]})
    templates.get_template(uow.session, campaign.template_id)
    segments.get_segment(uow.session, campaign.segment_id)
    campaign.status, campaign.scheduled_at = lifecycle.SCHEDULED, at
    flush(uow.session)
    uow.emit("campaign.scheduled", {"campaign": campaign_event(campaign),
                                    "changed_by": uow.actor_id})
    return campaign


def _audience(session: Session, campaign: Campaign) -> tuple[list[ContactView], int]:
    """Members with an address: those who granted email consent, and how many did not."""
    rows = session.scalars(select(ContactView).join(
        SegmentMember, SegmentMember.contact_id == ContactView.id).where(
        SegmentMember.segment_id == campaign.segment_id, ContactView.version > 0,
        ContactView.email.is_not(None))).all()
    granted = [row for row in rows if row.email_consent == "granted"]
    return granted, len(rows) - len(granted)


def start(uow, campaign: Campaign) -> Campaign:
    """Move to `sending` with one pending recipient per consenting member."""
    if not lifecycle.can_send(campaign.status):
        raise InvalidTransition(f"a {campaign.status} campaign cannot be sent")
    templates.get_template(uow.session, campaign.template_id)
    segment = segments.get_segment(uow.session, campaign.segment_id)
    audience, skipped = _audience(uow.session, campaign)
    if not audience:
        raise ValidationFailed("nobody to send to", {"segment_id": [
            f"no member of segment {segment.name!r} has granted email consent"
            + (f" ({skipped} without it)" if skipped else "")]})
    moment = now()
    rows = []
    for contact in audience:
        recipient_id = new_id()
        rows.append({"id": recipient_id, "campaign_id": campaign.id,
                     "contact_id": contact.id, "email": contact.email,
                     "status": lifecycle.PENDING, "attempts": 0,
                     "next_attempt_at": moment, "message_id": message_id(campaign.id,
                                                                         recipient_id),
                     "opens": 0, "clicks": 0, "erased": False})
    for at in range(0, len(rows), 1000):
        uow.session.execute(insert(Recipient), rows[at:at + 1000])
    campaign.status, campaign.started_at = lifecycle.SENDING, moment
    campaign.skipped_without_consent = skipped
    flush(uow.session)
    uow.emit("campaign.started", {"campaign": campaign_event(campaign),
                                  "recipients": len(rows), "skipped_without_consent": skipped,
                                  "changed_by": uow.actor_id})
    return campaign


def send_now(uow, campaign_id: str, expected: int | None) -> Campaign:
    campaign = get_campaign(uow.session, campaign_id)
    check_version(campaign, expected)
    return start(uow, campaign)


def cancel(uow, campaign_id: str, expected: int | None) -> Campaign:
    campaign = get_campaign(uow.session, campaign_id)
    check_version(campaign, expected)
    if campaign.status not in (lifecycle.DRAFT, lifecycle.SCHEDULED, lifecycle.SENDING):
        raise InvalidTransition(f"a {campaign.status} campaign cannot be cancelled")
    # Mails claimed right now are finished by their sender, which sees the cancellation
    # before sending (delivery.perform) unless the SMTP server has them already.
    result = uow.session.execute(
        update(Recipient).where(Recipient.campaign_id == campaign.id,
                                Recipient.status == lifecycle.PENDING)
        .values(status=lifecycle.DROPPED, lease_until=None)
        .execution_options(synchronize_session=False))
    campaign.status, campaign.completed_at = lifecycle.CANCELLED, now()
    flush(uow.session)
    uow.emit("campaign.cancelled", {"campaign": campaign_event(campaign),
                                    "not_sent": result.rowcount or 0,
                                    "changed_by": uow.actor_id})
    return campaign


def counts(session: Session, campaign_id: str) -> dict[str, int]:
    row = session.execute(select(
        func.count(),
        func.count().filter(Recipient.status == lifecycle.DELIVERED),
        func.count().filter(Recipient.status == lifecycle.FAILED),
        func.count().filter(Recipient.status.in_((lifecycle.PENDING, lifecycle.CLAIMED))),
        func.count().filter(Recipient.status == lifecycle.DROPPED),
        func.count(Recipient.opened_at), func.count(Recipient.clicked_at),
        func.count(Recipient.bounced_at), func.count(Recipient.unsubscribed_at),
        func.coalesce(func.sum(Recipient.opens), 0), func.coalesce(func.sum(Recipient.clicks), 0),
    ).where(Recipient.campaign_id == campaign_id)).one()
    names = ("recipients", "sent", "failed", "queued", "cancelled", "opened", "clicked",
             "bounced", "unsubscribed", "opens", "clicks")
    return dict(zip(names, (int(value or 0) for value in row), strict=True))


def metrics(session: Session, campaign: Campaign) -> dict[str, Any]:
    numbers = counts(session, campaign.id)
    delivered = max(numbers["sent"] - numbers["bounced"], 0)

    def rate(part: int, whole: int) -> str | None:
        return f"{Decimal(part) / Decimal(whole):.4f}" if whole else None

    cost = Decimal(campaign.cost or 0)
    credit = attribution(session, campaign)
    leads = credit["leads"]
    revenue = credit["revenue_last_touch"]
    return plain({
        "campaign_id": campaign.id, "status": campaign.status, **numbers,
        "delivered": delivered,
        "skipped_without_consent": campaign.skipped_without_consent,
        "delivery_rate": rate(delivered, numbers["sent"]),
        "open_rate": rate(numbers["opened"], delivered),
        "click_rate": rate(numbers["clicked"], delivered),
        "click_to_open_rate": rate(numbers["clicked"], numbers["opened"]),
        "unsubscribe_rate": rate(numbers["unsubscribed"], delivered),
        "bounce_rate": rate(numbers["bounced"], numbers["sent"]),
        "cost": cost, "budget": campaign.budget, "currency": campaign.currency,
        "cost_per_mail": (cost / numbers["sent"]) if numbers["sent"] else None,
        **credit,
        "cost_per_lead": (cost / leads) if leads else None,
        "conversion_rate": rate(credit["won_last_touch"], delivered),
        "roi": f"{(revenue - cost) / cost:.4f}" if cost else None,
    })


def attribution(session: Session, campaign: Campaign) -> dict[str, Any]:
    """Leads (contacts it qualified), and the opportunities and won revenue credited to it
    by first touch and by last touch; revenue in the campaign's currency (other currencies
    are listed apart, never converted)."""
    leads = session.scalar(select(func.count()).select_from(LeadScore).where(
        LeadScore.qualified_campaign_id == campaign.id)) or 0
    credit: dict[str, Any] = {"leads": leads}
    other: dict[str, Decimal] = {}
    for touch, column in (("first_touch", Deal.first_touch_campaign_id),
                          ("last_touch", Deal.last_touch_campaign_id)):
        deals = session.scalars(select(Deal).where(column == campaign.id)).all()
        won = [deal for deal in deals if deal.status == "won"]
        revenue = Decimal(0)
        for deal in won:
            if deal.currency == campaign.currency:
                revenue += Decimal(deal.amount)
            elif touch == "last_touch":
                other[deal.currency] = other.get(deal.currency, Decimal(0)) + Decimal(
                    deal.amount)
        credit.update({f"opportunities_{touch}": len(deals), f"won_{touch}": len(won),
                       f"revenue_{touch}": revenue})
    credit["revenue_other_currencies"] = {code: f"{amount:.2f}"
                                          for code, amount in sorted(other.items())}
    return credit


def campaign_event(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id, "name": campaign.name, "segment_id": campaign.segment_id,
        "template_id": campaign.template_id, "status": campaign.status,
        "cost": Decimal(campaign.cost or 0), "budget": campaign.budget,
        "currency": campaign.currency, "scheduled_at": campaign.scheduled_at,
        "started_at": campaign.started_at, "completed_at": campaign.completed_at,
        "version": campaign.version, "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
    }


def campaign_data(session: Session, campaign: Campaign) -> dict[str, Any]:
    data = plain(campaign_event(campaign))
    data["from_address"] = campaign.from_address
    data["skipped_without_consent"] = campaign.skipped_without_consent
    data["counts"] = counts(session, campaign.id)
    return data
