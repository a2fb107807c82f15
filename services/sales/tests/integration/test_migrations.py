"""The migration builds exactly the tables the models describe, with a default pipeline."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from crm_chassis.db import make_engine
from sales.models import Base, Pipeline


def test_the_migrated_schema_matches_the_models(migrated):
    engine = make_engine(migrated)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_new_install_has_one_default_pipeline(sessions):
    with sessions() as session:
        [default] = session.scalars(select(Pipeline)).all()
        assert default.is_default and len(default.stages) == 4
        assert [stage.probability for stage in default.stages] == [10, 25, 50, 75]
