"""The compiled loaders and dumpers (crm_contracts.compiled) give exactly what marshmallow
gives: the same data for every event every producer's contract test has an example of,
and for each variant of it that a broken or newer producer could send (a field dropped,
null, of another JSON type, out of its vocabulary, an unknown field added), at every
depth; and the same error where marshmallow refuses it."""

import json
import random
from datetime import UTC, timedelta, timezone
from typing import Any

import pytest
import test_contracts
import test_marketing_contracts
import test_reporting_contracts
import test_sales_contracts
import test_support_contracts
from marshmallow import Schema, ValidationError, fields

from crm_contracts import registry
from crm_contracts.compiled import (
    _MARSHMALLOW,
    _compile,
    _compile_dump,
    _plain_loader,
    schema_dumper,
    schema_loader,
)
from crm_contracts.envelope import EnvelopeSchema, new_envelope

EXAMPLES = {**test_contracts.EXAMPLES, **test_marketing_contracts.EXAMPLES,
            **test_reporting_contracts.EXAMPLES, **test_sales_contracts.EXAMPLES,
            **test_support_contracts.EXAMPLES}
# What a field's value may be replaced with: every JSON type, and near misses.
OTHERS = [None, True, 0, 7, -1, 2.5, float("nan"), "", "x", "7", "2026-11-27",
          "2026-11-27T10:00:00+00:00", "2026-11-27T10:00:00", "not-a-stage", [], ["x"], [7],
          {}, {"x": 1}]


def _outcome(load, data) -> tuple[str, Any]:
    try:
        return "loaded", load(data)
    except ValidationError as error:
        return "refused", error.messages


def _variants(value: Any, rng: random.Random):
    """The value as sent, then each change at each path within it."""
    yield value
    if isinstance(value, dict):
        yield {**value, "added_later": "x"}
        for key in value:
            rest = {k: v for k, v in value.items() if k != key}
            yield rest
            for other in rng.sample(OTHERS, 6):
                yield {**value, key: other}
            for inner in _variants(value[key], rng):
                if inner is not value[key]:
                    yield {**value, key: inner}
    elif isinstance(value, list) and value:
        for other in rng.sample(OTHERS, 4):
            yield [other, *value[1:]]
        for inner in _variants(value[0], rng):
            if inner is not value[0]:
                yield [inner, *value[1:]]


def _wire(event_type: str) -> dict:
    version = registry.latest_version(event_type)
    return json.loads(json.dumps(registry.dump_data(event_type, version, EXAMPLES[event_type])))


def test_every_contract_has_an_example_and_compiles():
    assert {name for name, _ in registry.event_types()} == set(EXAMPLES)
    uncompiled = [name for name, version in registry.event_types()
                  if _compile(registry.schema_for(name, version)) is None
                  or _compile_dump(registry.schema_for(name, version)) is None]
    assert uncompiled == []  # else that contract would quietly cost marshmallow's price


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_a_compiled_load_is_marshmallows_load(event_type):
    schema = registry.schema_for(event_type, registry.latest_version(event_type))
    compiled = schema_loader(schema)
    rng = random.Random(event_type)
    variants = list(_variants(_wire(event_type), rng))
    outcomes = {"loaded": 0, "refused": 0}
    for data in variants:
        expected = _outcome(schema.load, data)
        assert _outcome(compiled, data) == expected, data
        outcomes[expected[0]] += 1
    # Both kinds were tried: the fast path's answers and marshmallow's refusals.
    assert outcomes["loaded"] >= 2 and outcomes["refused"] >= 1, outcomes


def test_the_envelope_loads_as_marshmallow_loads_it():
    schema = EnvelopeSchema()
    compiled = schema_loader(schema)
    envelope = new_envelope("contact.deleted", 1, "contacts", {"contact_id": "c-1"}, "c-1")
    for data in _variants(envelope, random.Random(1)):
        assert _outcome(compiled, data) == _outcome(schema.load, data), data


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_a_compiled_dump_is_marshmallows_dump(event_type):
    schema = registry.schema_for(event_type, registry.latest_version(event_type))
    compiled = schema_dumper(schema)
    dumped = 0
    for data in _variants(_wire(event_type), random.Random(event_type)):
        try:
            loaded = schema.load(data)
        except ValidationError:
            continue
        # What is dumped is what the contract loaded: times, decimals, nested dicts.
        assert json.dumps(compiled(loaded)) == json.dumps(schema.dump(loaded)), loaded
        dumped += 1
    assert dumped >= 2


class _Times(Schema):
    at = fields.DateTime()
    aware = fields.AwareDateTime(format="iso", default_timezone=UTC)
    aware_only = fields.AwareDateTime()
    day = fields.Date()
    since = fields.AwareDateTime(format="iso", default_timezone=timezone(timedelta(hours=2)))


TIMES = ["2026-11-27T10:00:00+00:00", "2026-11-27T10:00:00.123456+01:30", "2026-11-27T10:00:00Z",
         "2026-11-27T10:00:00", "2026-11-27 10:00", "2026-11-27", "20261127T100000-0500",
         "2026-02-30T10:00:00+00:00", "2026-11-27T25:00:00", "yesterday", "", 7, None,
         "2026-W48-5", "2026-11-27T10:00:00+24:00"]


def test_times_and_dates_load_as_marshmallow_loads_them():
    schema = _Times()
    compiled = schema_loader(schema)
    # Read here, not handed to marshmallow field by field (which costs a consumer a tenth
    # of its time on every event's envelope and record times).
    assert all(_plain_loader(field) is not _MARSHMALLOW for field in schema.fields.values())
    for name in schema.fields:
        for value in TIMES:
            expected = _outcome(schema.load, {name: value})
            got = _outcome(compiled, {name: value})
            assert got == expected, (name, value)
            if expected[0] == "loaded":  # the same zone too, not only the same instant
                assert repr(got[1]) == repr(expected[1]), (name, value)
