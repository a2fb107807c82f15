"""The migration builds exactly the tables the models describe, with what a new install
needs: a default team, a default business-hours calendar and one policy per priority."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from crm_chassis.db import make_engine
from support.models import Base, Calendar, SlaPolicy, Team


def _ours() -> set[str]:
    """The tables of the support models and the chassis's: the registry is shared with
    every service imported in the same process (the whole suite runs in one)."""
    return {mapper.local_table.name for mapper in Base.registry.mappers
            if mapper.class_.__module__.split(".")[0] in {"support", "crm_chassis"}}


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


def test_a_new_install_can_take_tickets(sessions):
    with sessions() as session:
        [calendar] = session.scalars(select(Calendar)).all()
        assert calendar.is_default and calendar.timezone == "UTC"
        assert calendar.hours["mon"] == [["09:00", "18:00"]] and "sat" not in calendar.hours
        [team] = session.scalars(select(Team)).all()
        assert team.is_default
        policies = session.scalars(select(SlaPolicy)).all()
        assert {(p.priority, p.tier) for p in policies} == {
            (priority, tier) for priority in ("low", "normal", "high", "urgent")
            for tier in ("default", "vip")}
