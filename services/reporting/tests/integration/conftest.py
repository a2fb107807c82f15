"""The reporting service's integration tests use crm_testing.services' fixtures: a migrated
database (SQLite, or PostgreSQL under CRM_TEST_POSTGRES_URL), units of work on it, the
service in real nameko containers on a real broker, and the events it publishes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_testing.services import ServiceUnderTest


@pytest.fixture
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest("reporting", "reporting.service:ReportingService",
                            Path(__file__).resolve().parents[2] / "migrations")
