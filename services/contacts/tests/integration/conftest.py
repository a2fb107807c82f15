"""The contacts service's integration tests use crm_testing.services' fixtures: a migrated
database, the service in real nameko containers, and the events it publishes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_testing.services import ServiceUnderTest


@pytest.fixture
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("contacts", "contacts.service:ContactsService",
                            Path(__file__).resolve().parents[2] / "migrations")
