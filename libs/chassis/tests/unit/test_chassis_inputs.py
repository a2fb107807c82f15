"""Every service input is loaded by `crm_chassis.inputs.load`: text no database can store is
refused there with the field named, before any schema or use case sees it."""

import pytest
from marshmallow import fields

from crm_chassis.inputs import Input, OptionalId, load
from crm_contracts.errors import ValidationFailed


class NoteInput(Input):
    title = fields.String(required=True)
    tags = fields.List(fields.String())


def test_a_nul_or_a_lone_surrogate_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as refused:
        load(NoteInput(), {"title": "a\x00b", "tags": ["fine", "\ud83d"]})
    assert set(refused.value.errors) == {"title", "tags"}
    assert list(refused.value.errors["tags"]) == [1]


def test_storable_input_loads_as_the_schema_says():
    assert load(NoteInput(), {"title": "Zoë 🙂", "tags": []}) == {"title": "Zoë 🙂", "tags": []}
    with pytest.raises(ValidationFailed) as refused:
        load(NoteInput(), {"tags": ["x"]})
    assert refused.value.errors == {"title": ["Missing data for required field."]}


class LinkInput(Input):
    account_id = OptionalId()
    owner_id = OptionalId(64)


def test_a_blank_id_is_no_record_and_an_id_keeps_its_length_limit():
    assert load(LinkInput(), {"account_id": "", "owner_id": "  "}) == {
        "account_id": None, "owner_id": None}
    assert load(LinkInput(), {"account_id": " a1 ", "owner_id": None}) == {
        "account_id": "a1", "owner_id": None}
    with pytest.raises(ValidationFailed) as refused:
        load(LinkInput(), {"account_id": "x" * 37, "owner_id": "y" * 64})
    assert list(refused.value.errors) == ["account_id"]
