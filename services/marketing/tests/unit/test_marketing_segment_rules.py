"""Segment rules: refused when saved with the bad part named, evaluated in memory."""

import pytest

from marketing.domain.segments import RuleError, matches, uses_behaviour, validate_rules

FACTS = {"first_name": "Ada", "email": "ada@example.com", "lifecycle_stage": "lead",
         "tags": ["VIP", "berlin"], "country": "DE", "consent.email": "granted",
         "account.tier": "gold", "account.industry": "Software", "custom.plan": "pro",
         "custom.seats": "40", "behaviour.opened": True, "behaviour.clicked": False,
         "behaviour.open_tickets": 2, "behaviour.won_deals": 0}


def rule(field, op, value=None):
    condition = {"field": field, "op": op}
    if value is not None:
        condition["value"] = value
    return {"match": "all", "conditions": [condition]}


@pytest.mark.parametrize("rules, expected", [
    (rule("lifecycle_stage", "eq", "LEAD"), True),
    (rule("lifecycle_stage", "neq", "lead"), False),
    (rule("lifecycle_stage", "in", ["customer", "lead"]), True),
    (rule("email", "ends_with", "@example.com"), True),
    (rule("first_name", "contains", "d"), True),
    (rule("title", "is_not_set"), True),
    (rule("tags", "has", "vip"), True),
    (rule("tags", "has_not", "paris"), True),
    (rule("account.tier", "eq", "gold"), True),
    (rule("custom.seats", "gt", 25), True),
    (rule("custom.seats", "lt", 25), False),
    (rule("custom.plan", "eq", "pro"), True),
    (rule("consent.email", "eq", "granted"), True),
    (rule("behaviour.opened", "eq", True), True),
    (rule("behaviour.clicked", "eq", True), False),
    (rule("behaviour.open_tickets", "gte", 2), True),
    (rule("behaviour.won_deals", "gt", 0), False),
    ({"match": "any", "conditions": [
        {"field": "country", "op": "eq", "value": "FR"},
        {"match": "all", "conditions": [{"field": "account.industry", "op": "eq",
                                         "value": "software"},
                                        {"field": "tags", "op": "has", "value": "berlin"}]},
    ]}, True),
])
def test_rules_match_facts(rules, expected):
    validate_rules(rules)
    assert matches(rules, FACTS) is expected


def test_an_unknown_field_is_refused_naming_it():
    with pytest.raises(RuleError) as refused:
        validate_rules({"match": "all", "conditions": [
            {"field": "country", "op": "eq", "value": "DE"},
            {"field": "shoe_size", "op": "eq", "value": "42"}]})
    assert refused.value.errors == {"rules.conditions.1.field": ["unknown field 'shoe_size'"]}


def test_custom_fields_must_be_defined_when_the_definitions_are_known():
    defined = {"contact": {"plan"}, "account": {"arr"}}
    validate_rules(rule("custom.plan", "eq", "pro"), defined)
    validate_rules(rule("account.custom.arr", "gt", 1000), defined)
    with pytest.raises(RuleError) as refused:
        validate_rules(rule("custom.colour", "eq", "red"), defined)
    assert "rules.conditions.0.field" in refused.value.errors


@pytest.mark.parametrize("rules, where", [
    (rule("country", "gt", "DE"), "rules.conditions.0.op"),
    (rule("behaviour.opened", "eq", "yes"), "rules.conditions.0.value"),
    (rule("behaviour.open_tickets", "gt", "two"), "rules.conditions.0.value"),
    (rule("consent.email", "eq", "maybe"), "rules.conditions.0.value"),
    (rule("lifecycle_stage", "in", []), "rules.conditions.0.value"),
    (rule("title", "is_set", "x"), "rules.conditions.0.value"),
    ({"match": "most", "conditions": [{"field": "country", "op": "eq", "value": "DE"}]},
     "rules.match"),
    ({"match": "all", "conditions": []}, "rules.conditions"),
    ({"match": "all", "conditions": [{"field": "country", "op": "eq", "value": "DE",
                                      "extra": 1}]}, "rules.conditions.0"),
    ("country = DE", "rules"),
])
def test_bad_rules_name_the_bad_part(rules, where):
    with pytest.raises(RuleError) as refused:
        validate_rules(rules)
    assert where in refused.value.errors


def test_nesting_and_size_are_bounded():
    deep = rule("country", "eq", "DE")
    for _ in range(3):
        deep = {"match": "all", "conditions": [deep]}
    with pytest.raises(RuleError):
        validate_rules(deep)
    many = {"match": "any", "conditions": [{"field": "country", "op": "eq", "value": str(i)}
                                           for i in range(51)]}
    with pytest.raises(RuleError):
        validate_rules(many)


def test_behaviour_is_noticed():
    assert uses_behaviour(rule("behaviour.clicked", "eq", True))
    assert not uses_behaviour(rule("country", "eq", "DE"))
