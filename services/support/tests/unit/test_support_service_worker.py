"""The entrypoints without a broker or a database (nameko's worker_factory)."""

from unittest.mock import MagicMock

import pytest
from nameko.testing.services import worker_factory

from support.exceptions import ValidationFailed
from support.operations import sla_checks
from support.service import SupportService


def test_one_failing_breach_check_does_not_stop_the_others(monkeypatch):
    service = worker_factory(SupportService)
    monkeypatch.setattr(sla_checks, "claim_due", lambda session, config: [("a", "t1"),
                                                                         ("b", "t2")])
    done = []

    def perform(uow, ticket_id, token):
        if ticket_id == "a":
            raise RuntimeError("database hiccup")
        done.append(ticket_id)

    monkeypatch.setattr(sla_checks, "perform", perform)
    service.check_sla_breaches()
    assert done == ["b"]
    service.db.rollback.assert_called_once()


def test_breach_checks_can_be_turned_off_in_a_process(monkeypatch):
    monkeypatch.setenv("CRM_SUPPORT_SLA_CHECKS", "0")
    service = worker_factory(SupportService)
    claim = MagicMock()
    monkeypatch.setattr(sla_checks, "claim_due", claim)
    service.check_sla_breaches()
    claim.assert_not_called()


def test_inputs_are_validated_before_any_database_or_contacts_call():
    service = worker_factory(SupportService)
    with pytest.raises(ValidationFailed) as refused:
        service.create_ticket({"subject": "", "channel": "fax"})
    assert {"subject", "channel"} <= set(refused.value.errors)
    with pytest.raises(ValidationFailed) as junk:
        service.receive_email("From: nobody\n\nhi")
    assert "raw" in junk.value.errors
    with pytest.raises(ValidationFailed):
        service.submit_survey("t", {"rating": 6})
    service.contacts.find_or_create_contact.assert_not_called()
    service.db.commit.assert_not_called()
