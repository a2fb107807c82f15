"""`UTCDateTime`: aware UTC datetimes in, aware UTC datetimes out, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm_chassis.db import Base, make_engine
from crm_testing.databases import uses_postgres

BERLIN_SUMMER = timezone(timedelta(hours=2))


class ChassisUnitMoment(Base):
    __tablename__ = "chassis_unit_moments"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[datetime]


def _round_trip(engine) -> dict[str, datetime]:
    Base.metadata.create_all(engine, tables=[ChassisUnitMoment.__table__])
    with Session(engine) as session:
        session.add_all([
            ChassisUnitMoment(name="utc", at=datetime(2024, 5, 2, 10, 0, 0, 123456, tzinfo=UTC)),
            ChassisUnitMoment(name="offset", at=datetime(2024, 5, 2, 12, 30, tzinfo=BERLIN_SUMMER)),
            ChassisUnitMoment(name="naive", at=datetime(2024, 5, 2, 11, 0)),  # taken as UTC
        ])
        session.commit()
    with Session(engine) as session:
        return {row.name: row.at for row in session.scalars(select(ChassisUnitMoment))}


def test_round_trips_aware_utc_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'moments.db'}")
    try:
        read = _round_trip(engine)
        with engine.connect() as connection:
            stored = {name: at for name, at in connection.execute(
                text("SELECT name, at FROM chassis_unit_moments"))}
    finally:
        engine.dispose()

    assert read["utc"] == datetime(2024, 5, 2, 10, 0, 0, 123456, tzinfo=UTC)
    assert read["offset"] == datetime(2024, 5, 2, 10, 30, tzinfo=UTC)
    assert read["naive"] == datetime(2024, 5, 2, 11, 0, tzinfo=UTC)
    for value in read.values():
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    # Stored as UTC wall-clock time, so SQL comparisons and ORDER BY follow real time.
    assert str(stored["offset"]).startswith("2024-05-02 10:30:00")


@pytest.mark.skipif(not uses_postgres(), reason="needs CRM_TEST_POSTGRES_URL")
def test_reads_back_utc_whatever_the_postgres_session_time_zone(database_url):
    engine = make_engine(database_url)

    @event.listens_for(engine, "connect")
    def _local_time_zone(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET TIME ZONE 'Europe/Berlin'")  # a server set to local time
        cursor.close()

    try:
        read = _round_trip(engine)
    finally:
        engine.dispose()
    assert read["offset"] == datetime(2024, 5, 2, 10, 30, tzinfo=UTC)
    assert read["naive"] == datetime(2024, 5, 2, 11, 0, tzinfo=UTC)  # not Berlin's 11:00
    for value in read.values():
        assert value.utcoffset() == timedelta(0)
        assert value.isoformat().endswith("+00:00")
