"""pytest fixtures shared by every package's tests (loaded from the repository's conftest.py)."""

from __future__ import annotations

import pytest

from crm_testing import broker, databases


@pytest.fixture
def vhost():
    """A fresh RabbitMQ vhost, deleted afterwards with everything in it."""
    name = broker.create_vhost()
    yield name
    broker.delete_vhost(name)


@pytest.fixture
def amqp_uri(vhost) -> str:
    return broker.amqp_uri_for(vhost)


@pytest.fixture
def make_database(tmp_path):
    """Factory of empty databases (SQLite, or PostgreSQL under CRM_TEST_POSTGRES_URL)."""
    made: list[str] = []

    def make(prefix: str = "crm_test") -> str:
        url = databases.create_database(tmp_path, prefix)
        made.append(url)
        return url

    yield make
    for url in made:
        databases.drop_database(url)


@pytest.fixture
def database_url(make_database) -> str:
    return make_database()
