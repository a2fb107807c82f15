from contacts.domain.merge import MERGEABLE_FIELDS, plan_merge

SURVIVOR = {
    "id": "s",
    "first_name": "Zoë",
    "last_name": "Lefèvre",
    "email": "zoe@acme.fr",
    "phone": None,
    "title": "",
    "city": "Paris",
    "tags": ["vip", "b2b"],
    "custom_fields": {"tier": "gold", "score": None, "active": False},
}
OTHER = {
    "id": "o",
    "first_name": "Zoe",
    "last_name": "Lefevre",
    "email": "z.lefevre@gmail.com",
    "phone": "+33612345678",
    "title": "CEO",
    "city": "Lyon",
    "country": "France",
    "tags": ["b2b", "newsletter"],
    "custom_fields": {"score": 12, "active": True, "region": "EMEA"},
}


def test_without_choices_the_survivor_wins_where_it_has_a_value():
    merged, errors = plan_merge(SURVIVOR, OTHER, None)
    assert errors == {}
    assert merged["first_name"] == "Zoë"
    assert merged["email"] == "zoe@acme.fr"
    assert merged["phone"] == "+33612345678"
    assert merged["title"] == "CEO"
    assert merged["country"] == "France"
    assert merged["owner_id"] is None
    assert set(merged) == {*MERGEABLE_FIELDS, "tags", "custom_fields"}


def test_choices_pick_a_side_field_by_field():
    merged, errors = plan_merge(
        SURVIVOR, OTHER, {"email": "other", "city": "other", "phone": "this"}
    )
    assert errors == {}
    assert merged["email"] == "z.lefevre@gmail.com"
    assert merged["city"] == "Lyon"
    assert merged["phone"] is None


def test_tags_are_combined_in_order_without_repeats():
    merged, _ = plan_merge(SURVIVOR, OTHER, {})
    assert merged["tags"] == ["vip", "b2b", "newsletter"]


def test_custom_fields_merge_key_by_key():
    merged, errors = plan_merge(SURVIVOR, OTHER, {"custom_fields.tier": "other"})
    assert errors == {}
    # False is an answer, not a blank; the chosen "other" tier is absent, so it goes.
    assert merged["custom_fields"] == {"score": 12, "active": False, "region": "EMEA"}


def test_a_custom_field_can_be_taken_from_the_other_contact():
    merged, _ = plan_merge(SURVIVOR, OTHER, {"custom_fields.active": "other"})
    assert merged["custom_fields"]["active"] is True


def test_bad_choices_are_reported_and_the_default_applies():
    merged, errors = plan_merge(
        SURVIVOR,
        OTHER,
        {
            "email": "mine",
            "nickname": "this",
            "custom_fields.colour": "other",
            "tags": "other",
            "id": "other",
            7: "this",
        },
    )
    assert set(errors) == {"email", "nickname", "custom_fields.colour", "tags", "id", "7"}
    assert errors["email"] == ['must be "this" or "other"']
    assert errors["nickname"] == ["unknown field"]
    assert errors["custom_fields.colour"] == ["unknown custom field"]
    assert merged["email"] == "zoe@acme.fr"


def test_missing_or_odd_tags_and_custom_fields_are_treated_as_empty():
    merged, errors = plan_merge({"tags": None, "custom_fields": None}, {"tags": "oops"}, None)
    assert errors == {}
    assert merged["tags"] == []
    assert merged["custom_fields"] == {}
    assert all(merged[field] is None for field in MERGEABLE_FIELDS)


def test_plan_merge_leaves_its_inputs_alone():
    survivor = {"tags": ["a"], "custom_fields": {"x": 1}}
    plan_merge(survivor, {"tags": ["b"], "custom_fields": {"y": 2}}, None)
    assert survivor == {"tags": ["a"], "custom_fields": {"x": 1}}
