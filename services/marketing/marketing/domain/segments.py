"""Dynamic segments: rules over a contact's facts, checked when saved, evaluated in memory.

A rule set is a group: `{"match": "all" | "any", "conditions": [...]}`, where each
condition is either `{"field", "op", "value"}` or a nested group. Facts are one flat dict
per contact (see `FIELDS`): its own fields, its account's as `account.<name>`, custom
fields as `custom.<name>` and `account.custom.<name>`, the email consent as
`consent.email`, and behaviour as `behaviour.<name>`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from crm_contracts.vocabulary import CONSENT_STATUSES

TEXT, TAGS, NUMBER, FLAG = "text", "tags", "number", "flag"

FIELDS: dict[str, str] = {
    **{name: TEXT for name in ("first_name", "last_name", "email", "phone", "title",
                               "lifecycle_stage", "source", "city", "country", "owner_id",
                               "account_id")},
    "tags": TAGS,
    **{f"account.{name}": TEXT for name in ("name", "domain", "industry", "tier", "size",
                                            "owner_id", "country")},
    "consent.email": TEXT,
    "behaviour.opened": FLAG,  # opened any campaign mail
    "behaviour.clicked": FLAG,  # clicked a link in any campaign mail
    "behaviour.submitted_form": FLAG,  # submitted any web-to-lead form
    "behaviour.open_tickets": NUMBER,  # support tickets not solved or closed
    "behaviour.won_deals": NUMBER,  # opportunities won with this contact
    "behaviour.lead_score": NUMBER,  # the contact's lead score now
}
BEHAVIOUR = tuple(name for name in FIELDS if name.startswith("behaviour."))

OPERATORS: dict[str, set[str]] = {
    TEXT: {"eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "is_set",
           "is_not_set"},
    TAGS: {"has", "has_not", "is_set", "is_not_set"},
    NUMBER: {"eq", "neq", "gt", "gte", "lt", "lte"},
    FLAG: {"eq"},
    # A custom field's type is the contacts service's: every comparison is offered.
    "custom": {"eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "gt",
               "gte", "lt", "lte", "is_set", "is_not_set"},
}
NO_VALUE = {"is_set", "is_not_set"}
LIST_VALUE = {"in", "not_in"}
ORDERED = {"gt", "gte", "lt", "lte"}
MAX_CONDITIONS = 50
MAX_DEPTH = 3


class RuleError(ValueError):
    """A rule set that cannot be saved; `errors` maps the path of each bad part."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{key}: {' '.join(value)}" for key, value in errors.items()))
        self.errors = errors


def field_type(name: str, custom_fields: dict[str, set[str]] | None = None) -> str | None:
    """The type of a rule's field, or None when no contact has such a field. With
    `custom_fields` (the contacts service's definitions by object), a custom field must be
    defined; without, any well-formed name is taken."""
    if name in FIELDS:
        return FIELDS[name]
    for prefix, obj in (("account.custom.", "account"), ("custom.", "contact")):
        if name.startswith(prefix):
            key = name[len(prefix):]
            if not key or not key.replace("_", "").isalnum():
                return None
            if custom_fields is not None and key not in custom_fields.get(obj, set()):
                return None
            return "custom"
    return None


def validate_rules(rules: Any, custom_fields: dict[str, set[str]] | None = None) -> None:
    """Raise RuleError naming each bad part (`rules.conditions.0.field`: unknown field)."""
    errors: dict[str, list[str]] = {}
    count = _check_group(rules, "rules", 1, custom_fields, errors)
    if count > MAX_CONDITIONS:
        errors.setdefault("rules", []).append(f"at most {MAX_CONDITIONS} conditions")
    if errors:
        raise RuleError(errors)


def _check_group(group: Any, path: str, depth: int, custom_fields, errors) -> int:
    if not isinstance(group, dict):
        errors[path] = ["a group: {\"match\": \"all\"|\"any\", \"conditions\": [...]}"]
        return 0
    unknown = set(group) - {"match", "conditions"}
    if unknown:
        errors[path] = [f"unknown key(s): {', '.join(sorted(unknown))}"]
    if group.get("match", "all") not in ("all", "any"):
        errors[f"{path}.match"] = ["one of: all, any"]
    conditions = group.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        errors[f"{path}.conditions"] = ["a non-empty list of conditions"]
        return 0
    if depth > MAX_DEPTH:
        errors[path] = [f"groups nest at most {MAX_DEPTH} deep"]
        return 0
    count = 0
    for index, condition in enumerate(conditions):
        where = f"{path}.conditions.{index}"
        if isinstance(condition, dict) and "conditions" in condition:
            count += _check_group(condition, where, depth + 1, custom_fields, errors)
        else:
            count += 1
            _check_condition(condition, where, custom_fields, errors)
    return count


def _check_condition(condition: Any, path: str, custom_fields, errors) -> None:
    if not isinstance(condition, dict):
        errors[path] = ["a condition: {\"field\", \"op\", \"value\"}"]
        return
    unknown = set(condition) - {"field", "op", "value"}
    if unknown:
        errors[path] = [f"unknown key(s): {', '.join(sorted(unknown))}"]
    name = condition.get("field")
    kind = field_type(name, custom_fields) if isinstance(name, str) else None
    if kind is None:
        errors[f"{path}.field"] = [f"unknown field {name!r}"]
        return
    op = condition.get("op")
    if op not in OPERATORS[kind]:
        errors[f"{path}.op"] = [f"{name} takes one of: {', '.join(sorted(OPERATORS[kind]))}"]
        return
    value = condition.get("value")
    problem = _value_problem(kind, op, value, name)
    if problem:
        errors[f"{path}.value"] = [problem]


def _value_problem(kind: str, op: str, value: Any, name: str) -> str | None:
    if op in NO_VALUE:
        return None if value is None else f"{op} takes no value"
    if op in LIST_VALUE:
        if not isinstance(value, list) or not value or len(value) > 500 or not all(
                isinstance(item, str | int | float) for item in value):
            return "a non-empty list of at most 500 values"
        return None
    if kind == FLAG:
        return None if isinstance(value, bool) else "true or false"
    if kind == NUMBER or (op in ORDERED and kind == "custom" and not isinstance(value, str)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "a number"
        return None
    if name == "consent.email" and value not in CONSENT_STATUSES:
        return f"one of: {', '.join(CONSENT_STATUSES)}"
    if isinstance(value, bool):
        return None if kind == "custom" else "a text or a number"
    if not isinstance(value, str | int | float):
        return "a text or a number"
    if isinstance(value, str) and len(value) > 500:
        return "at most 500 characters"
    return None


def uses_behaviour(rules: dict[str, Any] | None) -> bool:
    return any(condition.get("field", "").startswith("behaviour.")
               for condition in _conditions(rules))


def _conditions(group: dict[str, Any] | None):
    for condition in (group or {}).get("conditions", []):
        if "conditions" in condition:
            yield from _conditions(condition)
        else:
            yield condition


# --- evaluation ---------------------------------------------------------------------------

def matches(rules: dict[str, Any], facts: dict[str, Any]) -> bool:
    results = (matches(condition, facts) if "conditions" in condition
               else _holds(condition, facts) for condition in rules["conditions"])
    return all(results) if rules.get("match", "all") == "all" else any(results)


def _holds(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    op, wanted = condition["op"], condition.get("value")
    actual = facts.get(condition["field"])
    if op == "is_set":
        return actual not in (None, "", [])
    if op == "is_not_set":
        return actual in (None, "", [])
    if op == "has":
        return _norm(wanted) in {_norm(tag) for tag in actual or ()}
    if op == "has_not":
        return _norm(wanted) not in {_norm(tag) for tag in actual or ()}
    if op in ORDERED:
        left, right = _comparable(actual), _comparable(wanted)
        if left is None or right is None or type(left) is not type(right):
            return False
        return {"gt": left > right, "gte": left >= right, "lt": left < right,
                "lte": left <= right}[op]
    if isinstance(wanted, bool) or isinstance(actual, bool):
        return (actual is True) == wanted if op == "eq" else (actual is True) != wanted
    if op in ("eq", "neq"):
        same = _same(actual, wanted)
        return same if op == "eq" else not same
    if op in ("in", "not_in"):
        found = any(_same(actual, item) for item in wanted)
        return found if op == "in" else not found
    text, part = _norm(actual), _norm(wanted)
    if actual is None:
        return False
    return {"contains": part in text, "starts_with": text.startswith(part),
            "ends_with": text.endswith(part)}[op]


def _norm(value: Any) -> str:
    return "" if value is None else str(value).strip().casefold()


def _same(actual: Any, wanted: Any) -> bool:
    left, right = _comparable(actual), _comparable(wanted)
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return left == right
    return _norm(actual) == _norm(wanted) and actual is not None


def _comparable(value: Any) -> Decimal | str | None:
    """Numbers compare as numbers, ISO dates as their text (which sorts as time)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return str(value).strip()
