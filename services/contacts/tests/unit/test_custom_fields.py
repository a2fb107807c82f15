from datetime import date, datetime

import pytest

from contacts.domain.custom_fields import (
    MAX_TEXT_LENGTH,
    FieldDefinition,
    validate_custom_fields,
    validate_definition,
)

FIELDS = (
    FieldDefinition("notes", "Notes", "text"),
    FieldDefinition("score", "Score", "number"),
    FieldDefinition("renewal", "Renewal", "date"),
    FieldDefinition("tier", "Tier", "enum", ("Gold", "Silver", "gold-plus")),
    FieldDefinition("active", "Active", "boolean"),
    FieldDefinition("region", "Region", "text", required=True),
)


def check(values, partial=True):
    return validate_custom_fields(FIELDS, values, partial=partial)


def test_a_good_definition_has_no_errors():
    assert validate_definition("tier", "Tier", "enum", ("gold", "silver"), True) == {}
    assert validate_definition("x", "X", "text", (), False) == {}
    assert validate_definition("a" + "b" * 62, "Long key", "number", None, False) == {}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (("Tier", "Tier", "text", (), False), "key"),
        (("1tier", "Tier", "text", (), False), "key"),
        (("tier-level", "Tier", "text", (), False), "key"),
        (("a" * 64, "Tier", "text", (), False), "key"),
        (("", "Tier", "text", (), False), "key"),
        ((None, "Tier", "text", (), False), "key"),
        (("tier", "  ", "text", (), False), "label"),
        (("tier", "x" * 101, "text", (), False), "label"),
        (("tier", None, "text", (), False), "label"),
        (("tier", "Tier", "colour", (), False), "type"),
        (("tier", "Tier", "enum", (), False), "options"),
        (("tier", "Tier", "enum", None, False), "options"),
        (("tier", "Tier", "enum", ("a", "a"), False), "options"),
        (("tier", "Tier", "enum", ("a", ""), False), "options"),
        (("tier", "Tier", "enum", ("a", 3), False), "options"),
        (("tier", "Tier", "enum", "abc", False), "options"),
        (("tier", "Tier", "text", ("a",), False), "options"),
        (("tier", "Tier", "text", (), "yes"), "required"),
    ],
)
def test_a_bad_definition_is_reported_under_its_argument(arguments, field):
    errors = validate_definition(*arguments)
    assert list(errors) == [field]
    assert all(isinstance(message, str) for message in errors[field])


@pytest.mark.parametrize(
    ("key", "given", "stored"),
    [
        ("notes", "Met at the fair, très sympa", "Met at the fair, très sympa"),
        ("notes", "x" * MAX_TEXT_LENGTH, "x" * MAX_TEXT_LENGTH),
        ("score", 42, 42),
        ("score", 4.0, 4),
        ("score", -2.5, -2.5),
        ("score", " 17 ", 17),
        ("score", "3.50", 3.5),
        ("score", "1e3", 1000),
        ("score", "2.", 2),
        ("score", "9" * 40, int("9" * 40)),
        ("score", "-.5", -0.5),
        ("score", "+8", 8),
        ("renewal", "2025-02-28", "2025-02-28"),
        ("renewal", " 2024-02-29 ", "2024-02-29"),
        ("renewal", date(2025, 1, 31), "2025-01-31"),
        ("tier", "Gold", "Gold"),
        ("tier", " gold ", "Gold"),
        ("tier", "GOLD-PLUS", "gold-plus"),
        ("active", True, True),
        ("active", False, False),
        ("active", "yes", True),
        ("active", " TRUE ", True),
        ("active", "0", False),
        ("active", "No", False),
        ("active", 1, True),
    ],
)
def test_values_are_cleaned(key, given, stored):
    assert check({key: given}) == ({key: stored}, {})


def test_whole_numbers_are_stored_as_int():
    clean, _ = check({"score": "12.0"})
    assert type(clean["score"]) is int


@pytest.mark.parametrize(
    ("key", "given", "message"),
    [
        ("notes", 42, "must be text"),
        ("notes", "x" * (MAX_TEXT_LENGTH + 1), f"must be at most {MAX_TEXT_LENGTH} characters"),
        ("score", True, "must be a number"),
        ("score", "twelve", "must be a number"),
        ("score", "1,5", "must be a number"),
        ("score", "1_000", "must be a number"),
        ("score", "nan", "must be a number"),
        ("score", float("nan"), "must be a finite number"),
        ("score", float("inf"), "must be a finite number"),
        ("score", "1e999", "must be a finite number"),
        ("score", "9" * 5000, "must be a number"),
        ("score", "1" * 100_000 + "x", "must be a number"),
        ("score", [1], "must be a number"),
        ("renewal", "2025-02-30", "is not a real date"),
        ("renewal", "31/01/2025", "must be a date as YYYY-MM-DD"),
        ("renewal", "20250131", "must be a date as YYYY-MM-DD"),
        ("renewal", datetime(2025, 1, 31, 12), "must be a date as YYYY-MM-DD"),
        ("renewal", 20250131, "must be a date as YYYY-MM-DD"),
        ("tier", "Bronze", "must be one of: Gold, Silver, gold-plus"),
        ("tier", 1, "must be one of: Gold, Silver, gold-plus"),
        ("active", "maybe", "must be true or false"),
        ("active", 2, "must be true or false"),
        ("active", 1.0, "must be true or false"),
    ],
)
def test_bad_values_are_reported_under_their_key(key, given, message):
    assert check({key: given}) == ({}, {key: [message]})


def test_unknown_keys_are_reported():
    assert check({"colour": "red", 3: "x"}) == (
        {},
        {"colour": ["unknown custom field"], "3": ["unknown custom field"]},
    )


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_none_or_a_blank_clears_an_optional_value(blank):
    assert check({"score": blank, "tier": blank}) == ({"score": None, "tier": None}, {})


def test_a_required_value_cannot_be_cleared():
    assert check({"region": None}) == ({}, {"region": ["required"]})
    assert check({"region": ""}) == ({}, {"region": ["required"]})


def test_a_missing_required_value_is_an_error_unless_partial():
    assert check({"score": 1}, partial=False) == ({"score": 1}, {"region": ["required"]})
    assert check({"score": 1}, partial=True) == ({"score": 1}, {})
    assert check(None, partial=False) == ({}, {"region": ["required"]})
    assert check({"region": "EMEA"}, partial=False) == ({"region": "EMEA"}, {})


def test_no_values_are_fine_when_partial():
    assert check(None) == ({}, {})
    assert check({}) == ({}, {})


def test_values_that_are_not_an_object_are_reported():
    assert check(["score"]) == ({}, {"custom_fields": ["must be an object"]})


def test_good_and_bad_values_are_sorted_out_together():
    clean, errors = check({"score": "7", "active": "perhaps", "notes": "ok"})
    assert clean == {"score": 7, "notes": "ok"}
    assert errors == {"active": ["must be true or false"]}


def test_a_field_of_an_unknown_type_rejects_values_instead_of_crashing():
    odd = FieldDefinition("odd", "Odd", "colour")
    assert validate_custom_fields([odd], {"odd": "red"}) == (
        {},
        {"odd": ["has an unknown type 'colour'"]},
    )
