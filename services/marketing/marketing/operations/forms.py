"""Web-to-lead forms: their definitions, and submissions from the public web that create
or update the contact through the contacts service (which owns contacts and consent),
deduplicated by email, with the consent wording recorded and the UTM source kept."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketing.domain import forms as rules_of
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import NotFound, ValidationFailed
from marketing.models import Form, FormSubmission, Segment, SegmentMember, now
from marketing.operations import scoring, segments, triggers
from marketing.operations.common import apply, check_version, flush, get_or_404, page, plain

WINDOW = timedelta(minutes=1)
CONSENT_SOURCE_LENGTH = 200


def _check(session: Session, values: dict[str, Any]) -> None:
    errors = rules_of.check_definition(values["fields"], values["honeypot_field"])
    for index, origin in enumerate(values.get("allowed_origins") or []):
        if not rules_of.ORIGIN.match(origin):
            errors[f"allowed_origins.{index}"] = ["an origin: https://www.example.com"]
    if values.get("segment_id"):
        segment = session.get(Segment, values["segment_id"])
        if segment is None or segment.deleted_at is not None or segment.kind != "static":
            errors["segment_id"] = ["a static segment that exists"]
    if errors:
        raise ValidationFailed("the form is not valid", errors)


def get_form(session: Session, form_id: str) -> Form:
    return get_or_404(session, Form, form_id, "form")


def create_form(uow, values: dict[str, Any]) -> Form:
    _check(uow.session, values)
    form = Form(**values)
    uow.session.add(form)
    flush(uow.session)
    return form


def update_form(uow, form_id: str, values: dict[str, Any], expected: int | None) -> Form:
    form = get_form(uow.session, form_id)
    check_version(form, expected)
    merged = {name: getattr(form, name) for name in (
        "fields", "honeypot_field", "allowed_origins", "segment_id")} | values
    _check(uow.session, merged)
    if apply(form, values):
        flush(uow.session)
    return form


def delete_form(uow, form_id: str, expected: int | None) -> None:
    form = get_form(uow.session, form_id)
    check_version(form, expected)
    form.deleted_at = form.updated_at = now()
    form.active = False
    flush(uow.session)


def list_forms(session: Session, values: dict[str, Any]):
    return page(session, select(Form).where(Form.deleted_at.is_(None)), Form, values)


def public_form(session: Session, form_id: str) -> dict[str, Any]:
    """What a web page needs to show the form, and what the gateway needs for CORS."""
    form = get_form(session, form_id)
    if not form.active:
        raise NotFound(f"no form {form_id}")
    return {"id": form.id, "name": form.name, "fields": form.fields,
            "consent_text": form.consent_text, "honeypot_field": form.honeypot_field,
            "allowed_origins": form.allowed_origins, "thank_you_url": form.thank_you_url}


def client_key(key: str, address: str | None) -> str:
    """A keyed hash of the sender's address: enough to rate-limit, not to identify."""
    return hmac.new(key.encode(), (address or "unknown").encode(), hashlib.sha256).hexdigest()


def _recent(session: Session, form: Form, client: str) -> int:
    return session.scalar(select(func.count()).select_from(FormSubmission).where(
        FormSubmission.form_id == form.id, FormSubmission.client == client,
        FormSubmission.at > now() - WINDOW)) or 0


def submit(uow, contacts, form_id: str, data: dict[str, Any], origin: str | None,
           client: str) -> dict[str, Any]:
    """Take one submission from the public web. `contacts` is the contacts service (RPC).
    A bot (the honeypot filled) gets the same answer as a person and changes nothing."""
    form = get_form(uow.session, form_id)
    if not form.active:
        raise NotFound(f"no form {form_id}")
    if origin and form.allowed_origins and not rules_of.origin_allowed(origin,
                                                                        form.allowed_origins):
        raise ValidationFailed("this site may not post this form", {
            "origin": [f"{origin} is not among the form's allowed origins"]})
    if _recent(uow.session, form, client) >= form.rate_limit_per_minute:
        return {"accepted": False, "reason": "rate_limited",
                "retry_after": int(WINDOW.total_seconds())}
    try:
        submission = rules_of.read(form.fields, form.honeypot_field, data)
    except rules_of.SubmissionError as exc:
        raise ValidationFailed("the form is not filled in right", exc.errors) from None
    row = FormSubmission(form_id=form.id, client=client, origin=(origin or "")[:300] or None,
                         utm=submission.utm, consent=submission.consent, at=now(),
                         outcome="bot" if submission.is_bot else "accepted")
    uow.session.add(row)
    if submission.is_bot:
        flush(uow.session)
        return {"accepted": True, "thank_you_url": form.thank_you_url}
    contact, created = _find_or_create_contact(contacts, form, submission)
    row.contact_id, row.created_contact = contact["id"], created
    if submission.consent:
        row.consent_text = form.consent_text
        contacts.record_consent(contact["id"], {
            "channel": "email", "status": "granted",
            "source": _consent_source(form)})
    flush(uow.session)
    if form.segment_id:
        segment = uow.session.get(Segment, form.segment_id)
        if segment is not None and segment.deleted_at is None and not uow.session.get(
                SegmentMember, (segment.id, contact["id"])):
            segments.join(uow, segment, [contact["id"]])
    uow.emit("form.submitted", {
        "form_id": form.id, "form_name": form.name, "submission_id": row.id,
        "contact_id": contact["id"], "created_contact": created,
        "consent": submission.consent, "utm_source": submission.utm.get("utm_source"),
        "utm_medium": submission.utm.get("utm_medium"),
        "utm_campaign": submission.utm.get("utm_campaign"), "at": row.at})
    segments.refresh_contact(uow, contact["id"], behaviour_only=True)
    triggers.enrol(uow, "form.submitted", [contact["id"]], form.id)
    scoring.record_event(uow, contact["id"], "form.submitted", None, ScoreSettings.from_env())
    return {"accepted": True, "thank_you_url": form.thank_you_url}


def _consent_source(form: Form) -> str:
    source = f"web form {form.name}: {' '.join(form.consent_text.split())}"
    if len(source) > CONSENT_SOURCE_LENGTH:
        source = source[:CONSENT_SOURCE_LENGTH - 1] + "…"
    return source


def _find_or_create_contact(contacts, form: Form, submission: rules_of.Submission
                            ) -> tuple[dict[str, Any], bool]:
    """Dedup by email: a known contact gets only the fields it lacks (a form never
    overwrites what sales typed in); an unknown one is created as a lead."""
    source = f"web form: {form.name}"
    if submission.utm.get("utm_source"):
        source += f" ({submission.utm['utm_source']})"
    values: dict[str, Any] = {**submission.contact, "lifecycle_stage": "lead",
                              "source": source[:100]}
    if submission.custom_fields:
        values["custom_fields"] = submission.custom_fields
    # Found and created in one call: two submissions at once make one contact.
    found = contacts.find_or_create_contact(values)
    known = found["contact"]
    if not found["created"]:
        missing = {name: value for name, value in submission.contact.items()
                   if not known.get(name)}
        custom = {key: value for key, value in submission.custom_fields.items()
                  if not (known.get("custom_fields") or {}).get(key)}
        if custom:
            missing["custom_fields"] = {**(known.get("custom_fields") or {}), **custom}
        if missing:
            known = contacts.update_contact(known["id"], missing, known.get("version"))
    return known, found["created"]


def submissions(session: Session, form_id: str, values: dict[str, Any]) -> dict[str, Any]:
    get_form(session, form_id)
    """The most recent submissions (up to `limit`), bots and rate-limited ones included."""
    query = select(FormSubmission).where(FormSubmission.form_id == form_id)
    limit = values.get("limit", 50)
    rows = session.scalars(query.order_by(FormSubmission.at.desc(), FormSubmission.id.desc())
                           .limit(limit + 1)).all()
    return {"items": [plain({
        "id": row.id, "contact_id": row.contact_id, "created_contact": row.created_contact,
        "consent": row.consent, "consent_text": row.consent_text, "utm": row.utm,
        "origin": row.origin, "outcome": row.outcome, "at": row.at,
    }) for row in rows[:limit]], "next_cursor": None}


def form_data(session: Session, form: Form) -> dict[str, Any]:
    count = session.scalar(select(func.count()).select_from(FormSubmission).where(
        FormSubmission.form_id == form.id, FormSubmission.outcome == "accepted")) or 0
    return plain({
        "id": form.id, "name": form.name, "fields": form.fields,
        "consent_text": form.consent_text, "allowed_origins": form.allowed_origins,
        "honeypot_field": form.honeypot_field, "segment_id": form.segment_id,
        "thank_you_url": form.thank_you_url,
        "rate_limit_per_minute": form.rate_limit_per_minute, "active": form.active,
        "submissions": count, "version": form.version, "created_at": form.created_at,
        "updated_at": form.updated_at,
    })
