"""Merging two contacts into the survivor, field by field.

The user picks, per field, the survivor's value ("this") or the other contact's
("other"). Unpicked fields keep the survivor's value unless it is empty. Tags are
always combined; custom fields follow the same rule key by key and are picked as
"custom_fields.<key>".
"""

from collections.abc import Mapping
from typing import Any

MERGEABLE_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "account_id",
    "owner_id",
    "lifecycle_stage",
    "source",
    "address_line",
    "city",
    "postal_code",
    "country",
)
CHOICES = ("this", "other")
CUSTOM_PREFIX = "custom_fields."


def _is_empty(value: Any) -> bool:
    # False and 0 are answers; only absence is empty.
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple | dict | set) and not value


def _pick(this: Any, other: Any, choice: str | None) -> Any:
    if choice == "this":
        return this
    if choice == "other":
        return other
    return other if _is_empty(this) else this


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _check_choices(choices: Mapping[str, str], custom_keys: set[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, choice in choices.items():
        if not isinstance(field, str):
            errors[str(field)] = ["unknown field"]
            continue
        if field == "tags":
            errors[field] = ["tags are always combined: there is nothing to choose"]
        elif field.startswith(CUSTOM_PREFIX):
            if field.removeprefix(CUSTOM_PREFIX) not in custom_keys:
                errors[field] = ["unknown custom field"]
        elif field not in MERGEABLE_FIELDS:
            errors[field] = ["unknown field"]
        if field not in errors and choice not in CHOICES:
            errors[field] = ['must be "this" or "other"']
    return errors


def plan_merge(
    survivor: Mapping[str, Any],
    other: Mapping[str, Any],
    choices: Mapping[str, str] | None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The survivor's values after the merge, and the errors in `choices`.

    The values hold every field of MERGEABLE_FIELDS, "tags" and "custom_fields".
    """
    choices = dict(choices or {})
    this_custom = _as_dict(survivor.get("custom_fields"))
    other_custom = _as_dict(other.get("custom_fields"))
    errors = _check_choices(choices, set(this_custom) | set(other_custom))

    merged = {
        field: _pick(survivor.get(field), other.get(field), choices.get(field))
        for field in MERGEABLE_FIELDS
    }
    merged["tags"] = list(
        dict.fromkeys(_as_list(survivor.get("tags")) + _as_list(other.get("tags")))
    )
    custom = {
        key: _pick(this_custom.get(key), other_custom.get(key), choices.get(CUSTOM_PREFIX + key))
        for key in {**this_custom, **other_custom}
    }
    # A custom field without a value is stored as no key at all.
    merged["custom_fields"] = {key: value for key, value in custom.items() if value is not None}
    return merged, errors
