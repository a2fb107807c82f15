"""CSAT: a signed survey link per solved ticket, rated once."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_chassis import settings
from support.domain import surveys
from support.domain.tickets import number_text
from support.exceptions import Conflict, Gone, NotFound, ValidationFailed
from support.models import Survey, Ticket, now
from support.operations.common import plain

log = logging.getLogger(__name__)


def valid_for() -> timedelta:
    return timedelta(days=int(os.environ.get("CRM_SUPPORT_SURVEY_DAYS") or 14))


def issue_survey(session: Session, ticket: Ticket, moment: datetime) -> Survey | None:
    """A survey when a ticket is solved; solved again after a reopen, a survey not yet
    answered gets a fresh link, one answered stays answered."""
    survey = session.get(Survey, ticket.id)
    if survey is not None and survey.submitted_at is not None:
        return survey
    token = surveys.issue(settings.secret_key(), ticket.id, moment, valid_for())
    expires_at = moment + valid_for()
    if survey is None:
        survey = Survey(ticket_id=ticket.id, contact_id=ticket.contact_id,
                        account_id=ticket.account_id, token=token, expires_at=expires_at,
                        issued_at=moment)
        session.add(survey)
    else:
        survey.token, survey.expires_at, survey.issued_at = token, expires_at, moment
    return survey


def survey_token(session: Session, ticket_id: str) -> str | None:
    survey = session.get(Survey, ticket_id)
    return survey.token if survey is not None and survey.submitted_at is None else None


def _verified(session: Session, token: str) -> tuple[Survey, Ticket]:
    try:
        proof = surveys.verify(settings.secret_key(), token, now())
    except surveys.ForgedToken as exc:
        raise ValidationFailed("not a valid survey link", {"token": [str(exc)]}) from None
    except surveys.ExpiredToken as exc:
        raise Gone(str(exc)) from None
    survey = session.get(Survey, proof.ticket_id)
    ticket = session.get(Ticket, proof.ticket_id)
    if survey is None or ticket is None:
        raise NotFound("no survey for this link")
    return survey, ticket


def get_survey(session: Session, token: str) -> dict[str, Any]:
    survey, ticket = _verified(session, token)
    return plain({"ticket_id": ticket.id, "ticket_number": number_text(ticket.number),
                  "subject": ticket.subject, "expires_at": survey.expires_at,
                  "submitted": survey.submitted_at is not None, "rating": survey.rating})


def submit(uow, token: str, data: dict[str, Any]) -> dict[str, Any]:
    survey, ticket = _verified(uow.session, token)
    moment = now()
    # Conditional: of two answers racing, one lands.
    done = uow.session.execute(
        update(Survey).where(Survey.ticket_id == survey.ticket_id,
                             Survey.submitted_at.is_(None))
        .values(rating=data["rating"], comment=data.get("comment"), submitted_at=moment)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("this survey has been answered already")
    uow.emit("csat.submitted", {
        "ticket_id": ticket.id, "rating": data["rating"],
        "has_comment": bool(data.get("comment")), "submitted_at": moment,
        "contact_id": ticket.contact_id, "account_id": ticket.account_id,
        "team_id": ticket.team_id, "assignee_id": ticket.assignee_id,
        "channel": ticket.channel, "priority": ticket.priority})
    return plain({"ticket_id": ticket.id, "rating": data["rating"],
                  "comment": data.get("comment"), "submitted_at": moment})


def csat_data(survey: Survey) -> dict[str, Any]:
    return plain({"ticket_id": survey.ticket_id, "contact_id": survey.contact_id,
                  "account_id": survey.account_id, "rating": survey.rating,
                  "comment": survey.comment, "submitted_at": survey.submitted_at})


def list_csat(session: Session, query: dict[str, Any]) -> list[Survey]:
    conditions = [Survey.submitted_at.is_not(None)]
    filters = query.get("filters") or {}
    unknown = sorted(set(filters) - {"contact_id", "account_id", "team_id", "assignee_id"})
    if unknown:
        raise ValidationFailed("unknown filter", {name: ["not a filter"] for name in unknown})
    statement = select(Survey).join(Ticket, Ticket.id == Survey.ticket_id)
    for name, value in filters.items():
        column = getattr(Ticket, name)
        conditions.append(column == value)
    return list(session.scalars(statement.where(*conditions)
                                .order_by(Survey.submitted_at.desc()).limit(query["limit"])))
