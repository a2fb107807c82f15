"""Web-to-lead forms: definitions checked, submissions read against them, bots spotted."""

import pytest

from marketing.domain.forms import SubmissionError, check_definition, origin_allowed, read

FIELDS = [{"name": "email", "required": True}, {"name": "first_name"},
          {"name": "custom.plan", "required": True}]


def test_a_submission_is_read_against_its_form():
    got = read(FIELDS, "website", {"email": " Ann@Example.COM ", "first_name": "Ann",
                                   "custom.plan": "pro", "consent": "on",
                                   "utm_source": "newsletter", "utm_medium": ""})
    assert got.contact == {"email": "ann@example.com", "first_name": "Ann"}
    assert got.custom_fields == {"plan": "pro"} and got.consent and not got.is_bot
    assert got.utm == {"utm_source": "newsletter"}
    assert not read(FIELDS, "website", {"email": "a@b.example", "custom.plan": "x"}).consent


@pytest.mark.parametrize("data, field", [
    ({"custom.plan": "x"}, "email"),
    ({"email": "not an address", "custom.plan": "x"}, "email"),
    ({"email": "a@b.example"}, "custom.plan"),
    ({"email": "a@b.example", "custom.plan": "x", "password": "hunter2"}, "password"),
    ({"email": "a@b.example", "custom.plan": "x" * 3000}, "custom.plan"),
    ({"email": "a@b.example", "custom.plan": {"nested": 1}}, "custom.plan"),
])
def test_a_bad_submission_names_the_field(data, field):
    with pytest.raises(SubmissionError) as refused:
        read(FIELDS, "website", data)
    assert field in refused.value.errors


def test_a_filled_honeypot_is_a_bot():
    assert read(FIELDS, "website", {"website": "http://spam.test", "junk": 1}).is_bot


def test_definitions_need_an_email_and_known_names():
    # first_name twice, once as the honeypot too: every occurrence is named.
    assert check_definition(FIELDS, "website") == {}
    errors = check_definition([{"name": "shoe_size"}, {"name": "first_name"},
                               {"name": "first_name"}], "first_name")
    assert set(errors) == {"fields.0.name", "fields.1.name", "fields.2.name", "fields",
                           "honeypot_field"}


def test_origins_match_exactly():
    allowed = ["https://www.example.com"]
    assert origin_allowed("https://www.example.com/", allowed)
    assert not origin_allowed("https://evil.example.com", allowed)
    assert not origin_allowed(None, allowed)
