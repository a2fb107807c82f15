"""Web-to-lead forms on a real database, with a stand-in contacts service: dedup by email,
consent recorded with the form's wording, UTM kept, bots and floods turned away."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm_chassis.outbox import OutboxEvent
from marketing.exceptions import NotFound, ValidationFailed
from marketing.models import FormSubmission
from marketing.operations import forms, segments
from marketing.schemas import FormInput, SegmentInput, load

CONSENT = "Yes, send me product news by email. I can unsubscribe at any time."


class Contacts:
    """What the forms ask of the contacts service, recorded."""

    def __init__(self):
        self.people: dict[str, dict] = {}
        self.consents: list[tuple[str, dict]] = []

    def find_or_create_contact(self, data):
        known = [p for p in self.people.values() if p.get("email") == data["email"]]
        if known:
            return {"contact": known[0], "created": False}
        return {"contact": self.create_contact(data), "created": True}

    def create_contact(self, data):
        contact = {"id": f"c{len(self.people) + 1}", "version": 1, **data}
        self.people[contact["id"]] = contact
        return contact

    def update_contact(self, contact_id, data, version):
        self.people[contact_id].update(data, version=version + 1)
        return self.people[contact_id]

    def record_consent(self, contact_id, data):
        self.consents.append((contact_id, data))


@pytest.fixture
def contacts():
    return Contacts()


def form(unit, **data):
    made = forms.create_form(unit, load(FormInput(), {
        "name": "Demo request", "consent_text": CONSENT,
        "fields": [{"name": "email", "required": True}, {"name": "first_name"},
                   {"name": "title"}],
        "allowed_origins": ["https://www.example.com"], "rate_limit_per_minute": 3,
        **data}))
    unit.commit()
    return made


def submitted(unit) -> list[dict]:
    unit.session.expire_all()
    return [row.data for row in unit.session.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "form.submitted"))]


def test_a_new_person_becomes_a_lead_with_consent_and_utm(unit, contacts):
    lists = segments.create_segment(unit, load(SegmentInput(), {"name": "Demo requests",
                                                                "kind": "static"}), None)
    made = form(unit, segment_id=lists.id)
    answer = forms.submit(unit, contacts, made.id, {
        "email": "Zoe@Acme.example", "first_name": "Zoë", "consent": "on",
        "utm_source": "linkedin", "utm_campaign": "spring"}, "https://www.example.com", "k1")
    unit.commit()
    assert answer == {"accepted": True, "thank_you_url": None}
    [person] = contacts.people.values()
    assert person["email"] == "zoe@acme.example" and person["lifecycle_stage"] == "lead"
    assert person["source"] == "web form: Demo request (linkedin)"
    [(contact_id, consent)] = contacts.consents
    assert consent["status"] == "granted" and consent["source"].startswith(
        "web form Demo request: Yes, send me")
    [event] = submitted(unit)
    assert event["created_contact"] and event["utm_source"] == "linkedin"
    assert event["consent"] and event["contact_id"] == contact_id
    assert segments.member_ids(unit.session, lists.id) == {contact_id}
    row = unit.session.scalar(select(FormSubmission))
    assert row.consent_text == CONSENT and row.utm["utm_campaign"] == "spring"
    assert row.client == "k1" and row.origin == "https://www.example.com"


def test_a_known_email_is_completed_never_overwritten(unit, contacts):
    known = contacts.create_contact({"email": "ann@acme.example", "first_name": "Ann"})
    made = form(unit)
    forms.submit(unit, contacts, made.id, {"email": "ANN@acme.example", "first_name": "Annie",
                                           "title": "CTO"}, None, "k1")
    unit.commit()
    assert len(contacts.people) == 1 and contacts.consents == []
    assert (known["first_name"], known["title"]) == ("Ann", "CTO")
    assert submitted(unit)[0]["created_contact"] is False


def test_bots_get_a_thank_you_and_change_nothing(unit, contacts):
    made = form(unit)
    answer = forms.submit(unit, contacts, made.id, {"email": "x@spam.example",
                                                    "website": "http://buy.test"}, None, "k")
    unit.commit()
    assert answer["accepted"] and contacts.people == {} and submitted(unit) == []


def test_a_flood_from_one_sender_is_turned_away(unit, contacts):
    made = form(unit)
    answers = []
    for index in range(5):
        answers.append(forms.submit(unit, contacts, made.id, {
            "email": f"p{index}@acme.example"}, None, "same-sender"))
        unit.commit()
    assert [a["accepted"] for a in answers] == [True, True, True, False, False]
    assert answers[-1]["reason"] == "rate_limited" and answers[-1]["retry_after"] == 60
    assert forms.submit(unit, contacts, made.id, {"email": "q@acme.example"}, None,
                        "another-sender")["accepted"]


def test_bad_submissions_and_foreign_sites_are_refused(unit, contacts):
    made = form(unit)
    with pytest.raises(ValidationFailed) as bad:
        forms.submit(unit, contacts, made.id, {"email": "nope", "age": "3"}, None, "k")
    assert set(bad.value.errors) == {"email", "age"}
    with pytest.raises(ValidationFailed) as foreign:
        forms.submit(unit, contacts, made.id, {"email": "a@b.example"},
                     "https://evil.example", "k")
    assert "origin" in foreign.value.errors
    forms.delete_form(unit, made.id, None)
    unit.commit()
    with pytest.raises(NotFound):
        forms.submit(unit, contacts, made.id, {"email": "a@b.example"}, None, "k")
    assert contacts.people == {}


def test_form_definitions_are_checked(unit):
    with pytest.raises(ValidationFailed) as refused:
        forms.create_form(unit, load(FormInput(), {
            "name": "x", "consent_text": CONSENT, "fields": [{"name": "shoe_size"}],
            "allowed_origins": ["not an origin"]}))
    assert {"fields.0.name", "fields", "allowed_origins.0"} <= set(refused.value.errors)
