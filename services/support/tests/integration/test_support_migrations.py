"""The migration builds exactly the tables the models describe, with what a new install
needs: a default team, a default business-hours calendar and one policy per priority."""

from __future__ import annotations

from sqlalchemy import select

from crm_testing.services import schema_differences
from support.models import Base, Calendar, SlaPolicy, Team


def test_the_migrated_schema_matches_the_models(migrated):
    assert schema_differences(migrated, Base, {"support", "crm_chassis"}) == []


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
