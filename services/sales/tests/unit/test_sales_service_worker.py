"""The entrypoints without a broker or a database (nameko's worker_factory)."""

from unittest.mock import MagicMock

import pytest
from nameko.testing.services import worker_factory

from sales.exceptions import ValidationFailed
from sales.operations import follow_ups
from sales.service import SalesService


def test_one_failing_follow_up_does_not_stop_the_others(monkeypatch):
    service = worker_factory(SalesService)
    monkeypatch.setattr(follow_ups, "claim_due", lambda session, config: [("a", "t1"),
                                                                         ("b", "t2")])
    done, failed = [], []

    def perform(uow, follow_up_id, token, config):
        if follow_up_id == "a":
            raise RuntimeError("database hiccup")
        done.append(follow_up_id)

    monkeypatch.setattr(follow_ups, "perform", perform)
    monkeypatch.setattr(follow_ups, "record_failure",
                        lambda session, i, token, error: failed.append((i, token, error)))
    service.run_follow_ups()
    assert done == ["b"] and failed == [("a", "t1", "RuntimeError: database hiccup")]
    service.db.rollback.assert_called_once()


def test_follow_ups_can_be_turned_off_in_a_process(monkeypatch):
    monkeypatch.setenv("CRM_SALES_FOLLOW_UPS", "0")
    service = worker_factory(SalesService)
    claim = MagicMock()
    monkeypatch.setattr(follow_ups, "claim_due", claim)
    service.run_follow_ups()
    claim.assert_not_called()


def test_inputs_are_validated_before_any_database_work():
    service = worker_factory(SalesService)
    with pytest.raises(ValidationFailed) as refused:
        service.create_opportunity({"name": "", "amount": "1.5", "currency": "EUR"})
    assert "name" in refused.value.errors
    with pytest.raises(ValidationFailed):
        service.create_quote(["not", "an", "object"])
    service.db.commit.assert_not_called()
