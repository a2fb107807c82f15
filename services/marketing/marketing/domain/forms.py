"""Web-to-lead forms: what a form asks, and what a submission to it may say.

A submission is a flat object of strings (JSON, or an HTML form's fields): the form's
fields, `consent` (a checkbox: "on", "true", "yes", "1"), the UTM parameters and the
honeypot field, which people never see and bots fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email

STANDARD_FIELDS = ("email", "first_name", "last_name", "phone", "title")
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
CONSENT = "consent"
TRUE = {"on", "true", "yes", "1"}
CUSTOM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_VALUE = 2000
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


class SubmissionError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{key}: {' '.join(value)}" for key, value in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Submission:
    contact: dict[str, str]  # standard fields
    custom_fields: dict[str, str]
    consent: bool
    utm: dict[str, str] = field(default_factory=dict)
    is_bot: bool = False


def check_definition(fields: list[dict[str, Any]], honeypot: str) -> dict[str, list[str]]:
    """Errors of a form's field list: `email` is required (a lead needs an address),
    names are standard fields or custom field keys, once each."""
    errors: dict[str, list[str]] = {}
    names = [item.get("name") for item in fields]
    for index, name in enumerate(names):
        if name not in STANDARD_FIELDS and not (
                isinstance(name, str) and name.startswith("custom.")
                and CUSTOM_KEY.match(name[len("custom."):])):
            errors[f"fields.{index}.name"] = [
                f"{name!r} is neither one of {', '.join(STANDARD_FIELDS)} nor custom.<key>"]
        elif names.count(name) > 1:
            errors[f"fields.{index}.name"] = [f"{name} is asked twice"]
    if "email" not in names:
        errors.setdefault("fields", []).append("a form must ask for the email")
    if honeypot in names or honeypot in (CONSENT, *UTM):
        errors["honeypot_field"] = ["must not be a field the form asks for"]
    return errors


def read(fields: list[dict[str, Any]], honeypot: str, data: dict[str, Any]) -> Submission:
    """The submission, checked against the form; SubmissionError names each bad field."""
    if data.get(honeypot):
        return Submission({}, {}, False, is_bot=True)
    known = {item["name"] for item in fields} | {CONSENT, honeypot, *UTM}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if key not in known:
            errors[key] = ["this form has no such field"]
        elif not isinstance(value, str | bool) or len(str(value)) > MAX_VALUE:
            errors[key] = [f"a text of at most {MAX_VALUE} characters"]
    contact: dict[str, str] = {}
    custom: dict[str, str] = {}
    for item in fields:
        name = item["name"]
        value = str(data.get(name) or "").strip()
        if not value:
            if item.get("required") or name == "email":
                errors.setdefault(name, ["required"])
            continue
        if name == "email":
            try:
                value = validate_email(value, check_deliverability=False).normalized.lower()
            except EmailNotValidError as exc:
                errors[name] = [str(exc)]
                continue
        if name.startswith("custom."):
            custom[name[len("custom."):]] = value
        else:
            contact[name] = value
    if errors:
        raise SubmissionError(errors)
    consent = data.get(CONSENT)
    given = consent is True or str(consent or "").strip().lower() in TRUE
    utm = {key: str(data[key]).strip()[:200] for key in UTM if str(data.get(key) or "").strip()}
    return Submission(contact, custom, given, utm)


def origin_allowed(origin: str | None, allowed: list[str]) -> bool:
    return bool(origin) and origin.rstrip("/").lower() in {o.rstrip("/").lower()
                                                             for o in allowed}
