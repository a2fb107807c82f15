"""The service's entrypoints with their dependencies replaced (nameko's worker_factory):
inputs checked before any work, and a contacts service that does not answer is an error,
not a worker stuck for good."""

import eventlet
import pytest
from nameko.testing.services import worker_factory

from marketing import service as module
from marketing.exceptions import ValidationFailed
from marketing.service import MarketingService


def test_inputs_are_validated_before_any_database_work():
    service = worker_factory(MarketingService)
    with pytest.raises(ValidationFailed) as refused:
        service.create_template({"name": "x", "subject": "s", "text_body": "b", "wat": 1})
    assert "wat" in refused.value.errors
    with pytest.raises(ValidationFailed):
        service.submit_form("f1", ["not", "an", "object"])
    service.db.commit.assert_not_called()


def test_a_contacts_service_that_does_not_answer_is_an_error(monkeypatch):
    monkeypatch.setattr(module, "CONTACTS_SECONDS", 0.1)
    service = worker_factory(MarketingService)
    service.contacts.list_custom_fields.side_effect = lambda *args: eventlet.sleep(5)
    with pytest.raises(RuntimeError) as stuck:
        service.create_segment({"name": "x", "rules": {"match": "all", "conditions": [
            {"field": "country", "op": "eq", "value": "FR"}]}})
    assert "did not answer" in str(stuck.value)
    service.db.rollback.assert_called_once()
