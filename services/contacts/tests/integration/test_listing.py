"""Search and keyset pagination against a real database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from contacts.operations import listing, records
from contacts.schemas import ListQuery
from crm_chassis.db import make_engine
from crm_chassis.dependencies import UnitOfWork
from crm_chassis.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class _NoRelay:
    service_name = "contacts"

    def wake_relay(self) -> None:
        pass


@pytest.fixture
def session(database_url):
    upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    session = sessionmaker(engine, expire_on_commit=False)()
    unit = UnitOfWork(_NoRelay(), session, {})
    # 30 contacts, oldest first; every third one works at Globex.
    for number in range(30):
        company = "Globex" if number % 3 == 0 else f"Initech {number}"
        account = records.find_or_create_account(unit, company)
        records.create_contact(unit, {"first_name": f"Person{number:02d}",
                                      "last_name": "Smith" if number < 25 else "Jones",
                                      "account_id": account})
        unit.commit()
    yield session
    session.close()
    engine.dispose()


def _pages(session, **query) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        args = ListQuery().load({**query, "cursor": cursor})
        rows, cursor = listing.list_contacts(session, args)
        pages.append([row.first_name for row in rows])
        if cursor is None:
            return pages


def test_search_pages_are_the_newest_matches_in_order(session):
    globex = [f"Person{n:02d}" for n in reversed(range(0, 30, 3))]
    assert _pages(session, q="globex", limit=4) == [globex[:4], globex[4:8], globex[8:]]
    assert _pages(session, q="jones", limit=10) == [[f"Person{n}" for n in (29, 28, 27, 26,
                                                                            25)]]
    assert _pages(session, q="smith globex", limit=50) == [
        [name for name in globex if int(name[-2:]) < 25]]
    assert _pages(session, q="nobody", limit=5) == [[]]


def test_sorted_by_name_with_a_cursor(session):
    pages = _pages(session, q="smith", sort="first_name", limit=10)
    names = [name for page in pages for name in page]
    assert names == sorted(f"Person{n:02d}" for n in range(25))
    assert [len(page) for page in pages] == [10, 10, 5]
