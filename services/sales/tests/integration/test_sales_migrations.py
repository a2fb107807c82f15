"""The migration builds exactly the tables the models describe, with a default pipeline."""

from __future__ import annotations

from sqlalchemy import select

from crm_testing.services import schema_differences
from sales.models import Base, Pipeline


def test_the_migrated_schema_matches_the_models(migrated):
    assert schema_differences(migrated, Base, {"sales", "crm_chassis"}) == []


def test_a_new_install_has_one_default_pipeline(sessions):
    with sessions() as session:
        [default] = session.scalars(select(Pipeline)).all()
        assert default.is_default and len(default.stages) == 4
        assert [stage.probability for stage in default.stages] == [10, 25, 50, 75]
