"""The reporting service in real nameko containers on a real broker and database, with
stand-ins for the services whose event logs it rebuilds from."""

from __future__ import annotations

import copy

import pytest
from kombu import Connection
from nameko.exceptions import RemoteError
from nameko.rpc import rpc
from nameko.standalone.rpc import ServiceRpcProxy
from reporting_history import platform_history

from crm_chassis.amqp import events_exchange
from crm_chassis.consumer import consumer_queue, dead_letter_queue
from crm_chassis.declare import declare
from crm_testing.processes import wait_until
from reporting.service import ReportingService

HISTORY = platform_history().events
NOVEMBER = {"period": "month", "on": "2026-11-10"}


def _log_of(source: str) -> list[dict]:
    return [{"seq": seq, **event} for seq, event in enumerate(
        (e for e in HISTORY if e["source"] == source), start=1)]


def stand_in(source: str):
    class StandIn:
        name = source

        @rpc
        def event_log(self, cursor=0, limit=500):
            log = _log_of(source)
            items = [item for item in log if item["seq"] > cursor][:limit]
            return {"items": items, "head": len(log),
                    "next_cursor": items[-1]["seq"] if len(items) == limit else None}

    StandIn.__name__ = f"StandIn{source.title()}"
    return StandIn


@pytest.fixture
def reporting(start_service, container_factory, amqp_uri):
    declare(ReportingService, amqp_uri)
    for source in ("contacts", "sales", "support", "marketing"):
        container_factory(stand_in(source), {"AMQP_URI": amqp_uri}).start()
    start_service()
    return amqp_uri


def proxy(amqp_uri):
    return ServiceRpcProxy("reporting", {"AMQP_URI": amqp_uri}, timeout=30,
                           context_data={"correlation_id": "corr-r1", "user_id": "boss"})


def publish(amqp_uri, envelopes) -> None:
    with Connection(amqp_uri) as connection:
        producer = connection.Producer(serializer="json")
        for envelope in envelopes:
            exchange = events_exchange(envelope["source"])
            producer.publish(copy.deepcopy(envelope), exchange=exchange,
                             routing_key=envelope["type"], declare=[exchange])


def history_length(service, contact_id: str) -> int:
    """How many events of the contact the journal holds (none yet: a 404, while the
    events wait for their batch)."""
    try:
        return len(service.contact_history(contact_id)["items"])
    except RemoteError as error:
        if error.exc_type != "NotFound":
            raise
        return 0


def snapshot(service) -> dict:
    """Figures that do not depend on the clock."""
    return {name: service.report(name, NOVEMBER) for name in (
        "pipeline", "win-rate", "conversion", "time-in-stage", "tickets", "sla", "csat",
        "activities", "adoption", "campaigns", "lead-scores")} | {
        role: service.dashboard({"role": role, **NOVEMBER})
        for role in ("sales_manager", "marketer", "executive")}


def test_events_become_figures_and_a_rebuild_gives_the_same(reporting):
    publish(reporting, HISTORY)
    with proxy(reporting) as service:
        def caught_up() -> bool:
            return history_length(service, "c0") == 2 and \
                service.report("csat", NOVEMBER)["summary"]["average"] == 2.0 and \
                service.report("win-rate", NOVEMBER)["summary"]["lost"] == 1 and \
                service.report("pipeline", NOVEMBER)["summary"]["open_deals"] == 1 and \
                service.report("adoption", NOVEMBER)["rows"] != [] and \
                service.report("tickets", NOVEMBER)["summary"]["breached"] == 1
        wait_until(caught_up, timeout=30, message="the history in the read models")
        wait_until(lambda: snapshot(service) == snapshot(service), timeout=10,
                   message="settled figures")
        kpis = service.account_360("acme")["kpis"]
        assert kpis["lifetime_value"] == {"EUR": "1250.00"}
        assert {r["code"] for r in kpis["churn_risk"]["reasons"]} >= {"open_urgent_tickets"}
        assert service.contact_360("c0")["kpis"]["account_id"] == "acme"
        assert service.contact_360("nobody")["kpis"]["orders"] == 0
        before = snapshot(service)
        assert service.start_rebuild() == {"sources": ["contacts", "sales", "support",
                                                       "marketing"]}
        assert service.report("pipeline", NOVEMBER)["summary"]["open_deals"] == 0
        for source in ("contacts", "sales", "support", "marketing"):
            cursor = 0
            while cursor is not None:
                page = service.rebuild_page({"source": source, "cursor": cursor, "limit": 3})
                assert page["skipped"] == 0
                assert page["head"] == len(_log_of(source))
                cursor = page["next_cursor"]
        assert snapshot(service) == before


def test_an_event_of_an_unknown_version_is_parked_and_the_rest_flows(reporting):
    created = next(e for e in HISTORY if e["type"] == "contact.created")
    publish(reporting, [dict(created, id="future", version=7), created])
    with proxy(reporting) as service:
        wait_until(lambda: history_length(service, created["data"]["contact"]["id"]) == 1,
                   timeout=30, message="the valid event")
    queue = dead_letter_queue(consumer_queue("contacts", "contact.created", "reporting",
                                             "record_contact_created"))
    with Connection(reporting) as connection:
        channel = connection.channel()

        def parked() -> bool:
            return channel.queue_declare(queue, passive=True).message_count == 1
        wait_until(parked, timeout=15, message="the unknown version in the dead letters")


@pytest.mark.parametrize(("call", "field"), [
    (lambda s: s.report("pipeline", {"period": "fortnight"}), "period"),
    (lambda s: s.report("pipeline", {"group_by": "colour"}), "group_by"),
    (lambda s: s.report("nonsense", {}), "report"),
    (lambda s: s.report("pipeline", {"owner": "x"}), "owner"),
    (lambda s: s.dashboard({"role": "janitor"}), "role"),
    (lambda s: s.contact_as_of("c0", "yesterday"), "as_of"),
    (lambda s: s.rebuild_page({"source": "billing"}), "source"),
])
def test_bad_input_is_refused_naming_the_field(reporting, call, field):
    with proxy(reporting) as service, pytest.raises(RemoteError) as caught:
        call(service)
    assert caught.value.exc_type == "ValidationFailed"
    assert field in str(caught.value.value)
