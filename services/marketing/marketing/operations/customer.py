"""The marketing part of the customer 360 views: segments, campaigns received and what the
person did with them, the lead score and its history, scenario enrolments."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from crm_chassis import listing
from marketing.domain.scoring import ScoreSettings
from marketing.models import (
    Campaign,
    ContactView,
    Enrolment,
    FormSubmission,
    LeadScore,
    Recipient,
    Scenario,
    ScoreEntry,
    Segment,
    SegmentMember,
)
from marketing.operations import scenarios, scoring
from marketing.operations.common import plain

VIEW_LIMIT = 50  # rows a section shows (the score's history too, as scoring.HISTORY)


def contact_view(session: Session, contact_id: str, config: ScoreSettings) -> dict[str, Any]:
    """The sections' ids in one query (most people have few rows or none), then the rows
    of the sections that have some."""
    ids = _first_ids()(session, record_id=contact_id)
    history = listing.in_order(listing.rows_by_id(session, ScoreEntry.id, ids["history"]),
                               ids["history"])
    enrolled = listing.in_order(listing.rows_by_id(session, Enrolment.id, ids["enrolments"]),
                                ids["enrolments"])
    score = session.get(LeadScore, contact_id) if ids["score"] else None
    return plain({
        "segments": [{"id": segment.id, "name": segment.name, "kind": segment.kind,
                      "joined_at": joined_at}
                     for segment, joined_at in _memberships(session, contact_id,
                                                            ids["segments"])],
        "campaigns": [{"campaign_id": campaign.id, "name": campaign.name,
                       "scenario_id": campaign.scenario_id, "status": recipient.status,
                       "sent_at": recipient.sent_at, "opened_at": recipient.opened_at,
                       "clicked_at": recipient.clicked_at, "opens": recipient.opens,
                       "clicks": recipient.clicks, "bounced_at": recipient.bounced_at,
                       "unsubscribed_at": recipient.unsubscribed_at}
                      for recipient, campaign in _received(session, ids["campaigns"])],
        "lead_score": scoring.score_data(contact_id, score, history, config),
        "enrolments": scenarios.enrolments_data(session, enrolled),
    })


def _memberships(session: Session, contact_id: str, segment_ids: list[str]) -> list:
    if not segment_ids:
        return []
    rows = session.execute(
        select(Segment, SegmentMember.joined_at)
        .join(SegmentMember, SegmentMember.segment_id == Segment.id)
        .where(SegmentMember.contact_id == contact_id, Segment.id.in_(segment_ids))).all()
    return listing.in_order({segment.id: (segment, joined) for segment, joined in rows},
                            segment_ids)


def _received(session: Session, recipient_ids: list[str]) -> list:
    if not recipient_ids:
        return []
    rows = session.execute(
        select(Recipient, Campaign).join(Campaign, Campaign.id == Recipient.campaign_id)
        .where(Recipient.id.in_(recipient_ids))).all()
    return listing.in_order({recipient.id: (recipient, campaign)
                             for recipient, campaign in rows}, recipient_ids)


@functools.cache
def _first_ids() -> listing.FirstIds:
    contact = bindparam("record_id")
    live = select(Segment.id).where(Segment.deleted_at.is_(None))
    return listing.FirstIds({
        "segments": (SegmentMember.segment_id,
                     [SegmentMember.contact_id == contact, SegmentMember.segment_id.in_(live)],
                     (SegmentMember.joined_at.desc(), SegmentMember.segment_id)),
        "campaigns": (Recipient.id, [Recipient.contact_id == contact],
                      (Recipient.next_attempt_at.desc(), Recipient.id)),
        "history": (ScoreEntry.id, [ScoreEntry.contact_id == contact],
                    (ScoreEntry.at.desc(), ScoreEntry.id)),
        "enrolments": (Enrolment.id, [Enrolment.contact_id == contact],
                       (Enrolment.entered_at.desc(), Enrolment.id)),
        "score": (LeadScore.contact_id, [LeadScore.contact_id == contact],
                  (LeadScore.contact_id,)),
    }, VIEW_LIMIT)


def account_view(session: Session, account_id: str, config: ScoreSettings) -> dict[str, Any]:
    """The same sections over the account's contacts, counted."""
    people = select(ContactView.id).where(ContactView.account_id == account_id)
    segments = session.execute(
        select(Segment.id, Segment.name, func.count()).join(
            SegmentMember, SegmentMember.segment_id == Segment.id)
        .where(SegmentMember.contact_id.in_(people), Segment.deleted_at.is_(None))
        .group_by(Segment.id, Segment.name).order_by(func.count().desc())
        .limit(VIEW_LIMIT)).all()
    campaigns = session.execute(
        select(Campaign.id, Campaign.name, func.count(), func.count(Recipient.opened_at),
               func.count(Recipient.clicked_at), func.max(Recipient.sent_at))
        .join(Recipient, Recipient.campaign_id == Campaign.id)
        .where(Recipient.contact_id.in_(people)).group_by(Campaign.id, Campaign.name)
        .order_by(func.max(Recipient.next_attempt_at).desc()).limit(VIEW_LIMIT)).all()
    scores = session.execute(select(LeadScore.contact_id, LeadScore.score,
                                    LeadScore.qualified_at)
                             .where(LeadScore.contact_id.in_(people))
                             .order_by(LeadScore.score.desc()).limit(10)).all()
    enrolled = session.execute(
        select(Scenario.id, Scenario.name, Enrolment.status, func.count())
        .join(Enrolment, Enrolment.scenario_id == Scenario.id)
        .where(Enrolment.contact_id.in_(people))
        .group_by(Scenario.id, Scenario.name, Enrolment.status)).all()
    return plain({
        "segments": [{"id": sid, "name": name, "members": count}
                     for sid, name, count in segments],
        "campaigns": [{"campaign_id": cid, "name": name, "recipients": count,
                       "opened": opened, "clicked": clicked, "last_sent_at": last}
                      for cid, name, count, opened, clicked, last in campaigns],
        "lead_score": {"threshold": config.threshold, "top": [
            {"contact_id": cid, "score": score, "qualified_at": qualified}
            for cid, score, qualified in scores]},
        "enrolments": [{"scenario_id": sid, "scenario_name": name, "status": status,
                        "contacts": count} for sid, name, status, count in enrolled],
    })


def personal_data(session: Session, contact_id: str, config: ScoreSettings) -> dict[str, Any]:
    """Everything this service holds about a person, for a subject access request: the copy
    of their record it segments on, and every membership, mail, score entry, scenario
    step and form submission of theirs, without the limit of the 360's sections."""
    copy = session.get(ContactView, contact_id)
    memberships = session.execute(
        select(Segment.id, Segment.name, SegmentMember.joined_at)
        .join(SegmentMember, SegmentMember.segment_id == Segment.id)
        .where(SegmentMember.contact_id == contact_id).order_by(SegmentMember.joined_at)).all()
    mails = session.execute(
        select(Recipient, Campaign.name).join(Campaign, Campaign.id == Recipient.campaign_id)
        .where(Recipient.contact_id == contact_id).order_by(Recipient.next_attempt_at)).all()
    history = session.scalars(select(ScoreEntry).where(ScoreEntry.contact_id == contact_id)
                              .order_by(ScoreEntry.at.desc())).all()
    enrolled = session.scalars(select(Enrolment).where(Enrolment.contact_id == contact_id)
                               .order_by(Enrolment.entered_at)).all()
    forms = session.scalars(select(FormSubmission).where(
        FormSubmission.contact_id == contact_id).order_by(FormSubmission.at)).all()
    return plain({
        "contact": None if copy is None else {name: getattr(copy, name) for name in (
            "first_name", "last_name", "email", "phone", "title", "city", "country", "tags",
            "custom_fields", "email_consent", "email_consent_at")},
        "segments": [{"id": sid, "name": name, "joined_at": joined}
                     for sid, name, joined in memberships],
        "mails": [{"campaign_id": mail.campaign_id, "campaign": name, "email": mail.email,
                   "status": mail.status, "sent_at": mail.sent_at,
                   "opened_at": mail.opened_at, "clicked_at": mail.clicked_at,
                   "opens": mail.opens, "clicks": mail.clicks, "bounced_at": mail.bounced_at,
                   "unsubscribed_at": mail.unsubscribed_at} for mail, name in mails],
        "lead_score": scoring.score_data(contact_id, session.get(LeadScore, contact_id),
                                         history, config),
        "enrolments": scenarios.enrolments_data(session, list(enrolled)),
        "form_submissions": [{"form_id": row.form_id, "at": row.at, "consent": row.consent,
                              "consent_text": row.consent_text, "utm": row.utm,
                              "origin": row.origin, "outcome": row.outcome}
                             for row in forms],
    })
