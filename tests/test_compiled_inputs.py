"""Every service's RPC inputs are loaded by a compiled loader (crm_chassis.inputs.load,
crm_contracts.compiled): for each input schema of each service, each field given each
kind of JSON value, alone and beside a valid neighbour, loads or is refused exactly as
marshmallow loads or refuses it."""

from __future__ import annotations

import importlib

import pytest
from marshmallow import Schema, ValidationError

from crm_chassis.inputs import Input, _loader
from crm_testing.platform import SERVICES

VALUES = [None, True, 0, 7, -1, 2.5, "", " ", "x", "7", "lead", "EUR", "FR", "2026-11-27",
          "2026-11-27T10:00:00+00:00", "a@b.example", "x" * 400, [], ["x"], [7], {}, {"x": 1}]


def _input_schemas() -> list[type[Schema]]:
    for name in SERVICES:
        importlib.import_module(f"{name}.service")  # imports every schema the service uses
    found, todo = set(), [Input]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _outcome(load, data):
    try:
        return "loaded", load(data)
    except ValidationError as error:
        return "refused", error.messages


SCHEMAS = _input_schemas()


def test_the_services_inputs_are_found_and_most_compile():
    from crm_contracts.compiled import _compile
    assert len(SCHEMAS) >= 40
    compiled = [cls for cls in SCHEMAS if _compile(cls()) is not None]
    assert len(compiled) >= len(SCHEMAS) // 2, [cls.__name__ for cls in SCHEMAS
                                                 if cls not in compiled]


@pytest.mark.parametrize("schema_class", SCHEMAS,
                         ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_a_compiled_input_loads_as_marshmallow_loads_it(schema_class):
    schema = schema_class()
    fast = _loader(schema)
    cases = [{}, {"unknown_field": 1}]
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        cases += [{key: value} for value in VALUES]
    loaded = [data for data in cases if _outcome(schema.load, data)[0] == "loaded"]
    # Beside a field that loads, so that a schema needing one field sees the others too.
    for base in loaded[:3]:
        cases += [{**base, **case} for case in cases[:200]]
    for data in cases:
        assert _outcome(fast, data) == _outcome(schema.load, data), data
