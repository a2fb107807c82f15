"""The migration builds exactly the tables the models describe."""

from __future__ import annotations

from crm_testing.services import schema_differences
from reporting.models import Base


def test_the_migrated_schema_matches_the_models(migrated):
    assert schema_differences(migrated, Base, {"reporting", "crm_chassis"}) == []
