"""The migration builds exactly the tables the models describe, with a default pipeline."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from crm_chassis.db import make_engine
from sales.models import Base, Pipeline


def _ours() -> set[str]:
    """The tables of the sales models and the chassis's: the registry is shared with every
    service imported in the same process (the whole suite runs in one)."""
    return {mapper.local_table.name for mapper in Base.registry.mappers
            if mapper.class_.__module__.split(".")[0] in {"sales", "crm_chassis"}}


def test_the_migrated_schema_matches_the_models(migrated):
    ours = _ours()
    engine = make_engine(migrated)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": lambda obj, name, kind, reflected, other:
                kind != "table" or name in ours})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_new_install_has_one_default_pipeline(sessions):
    with sessions() as session:
        [default] = session.scalars(select(Pipeline)).all()
        assert default.is_default and len(default.stages) == 4
        assert [stage.probability for stage in default.stages] == [10, 25, 50, 75]
