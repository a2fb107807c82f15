"""The reporting service's entrypoints: validate, call the use case, commit, dump."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from typing import Any

from nameko.rpc import RpcProxy
from nameko.timer import timer

from crm_chassis.consumer import BATCH, consumes
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import EventLog, rpc
from crm_chassis.observability import Observability
from crm_chassis.races import retried_when_raced
from reporting import handlers, schemas
from reporting.domain.periods import period_of
from reporting.operations import alerts, dashboards, history, rebuild, reports, rollups
from reporting.operations.customer_facts import account_of
from reporting.operations.facts import Facts, Scope
from reporting.schemas import load

_report_in = schemas.ReportQuery()
_dashboard_in = schemas.DashboardQuery()
_history_in = schemas.HistoryQuery()
_as_of_in = schemas.AsOfQuery()
_rebuild_in = schemas.RebuildPage()

# The events the read models are built from, by the service that publishes them.
CONSUMED = {
    "contacts": ("contact.created", "contact.imported", "contact.updated", "contact.deleted",
                 "contact.merged", "contact.erased", "account.created", "account.updated",
                 "account.deleted", "consent.changed"),
    "sales": ("opportunity.created", "opportunity.updated", "opportunity.stage_changed",
              "opportunity.won", "opportunity.lost", "opportunity.stagnant",
              "opportunity.deleted", "quote.sent", "quote.accepted", "quote.rejected",
              "quote.expired", "order.created", "activity.created", "activity.completed"),
    "support": ("ticket.created", "ticket.assigned", "ticket.status_changed", "ticket.solved",
                "ticket.sla_breached", "csat.submitted", "ticket.upsell_flagged"),
    "marketing": ("email.sent", "email.failed", "email.bounced", "email.opened",
                  "email.clicked", "email.unsubscribed", "lead.score_changed",
                  "lead.qualified", "campaign.scheduled", "campaign.started",
                  "campaign.completed", "campaign.cancelled"),
}


ALERT_CHECK_SECONDS = float(os.environ.get("CRM_REPORTING_ALERT_SECONDS") or 60)
ROLLUP_SECONDS = float(os.environ.get("CRM_REPORTING_ROLLUP_SECONDS") or 5)
log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _period(query: dict[str, Any]):
    return period_of(query["period"], query.get("on") or _now().date())


class ReportingService(EventLog):
    name = "reporting"

    db = Database("reporting")
    observability = Observability("reporting")
    contacts = RpcProxy("contacts")
    sales = RpcProxy("sales")
    support = RpcProxy("support")
    marketing = RpcProxy("marketing")

    # --- reports and dashboards -------------------------------------------------------------

    @rpc
    def list_reports(self) -> dict[str, Any]:
        return {"items": [{"name": name, "group_by": sorted(report.groups),
                           "default_group": report.default_group}
                          for name, report in reports.REPORTS.items()], "next_cursor": None}

    @rpc
    def report(self, name: str, query: dict[str, Any] | None = None) -> dict[str, Any]:
        query = load(_report_in, query or {})
        facts = Facts(self.db.session, Scope(query.get("owner_id")))
        return reports.report(facts, name, _period(query), query.get("group_by"), _now())

    @rpc
    def dashboard(self, query: dict[str, Any]) -> dict[str, Any]:
        query = load(_dashboard_in, query)
        result = dashboards.dashboard(self.db.session, query["role"], _period(query),
                                      query.get("owner_id"), _now())
        self.db.commit()  # the rollups of the days it found dirty, computed again
        return result

    @rpc
    def contact_360(self, contact_id: str) -> dict[str, Any]:
        """The KPI part of the contact's 360 view: those of its account when it has one."""
        account_id = account_of(self.db.session, contact_id)
        if account_id:
            return self.account_360(account_id)
        kpis = reports.customer_kpis(self.db.session, "contact_id", contact_id, _now())
        return {"kpis": {"contact_id": contact_id, **kpis}}

    @rpc
    def account_360(self, account_id: str) -> dict[str, Any]:
        """Lifetime value, churn risk and upsell signals with their reasons, last activity
        and open pipeline: the KPI part of the account's 360 view."""
        kpis = reports.customer_kpis(self.db.session, "account_id", account_id, _now())
        return {"kpis": {"account_id": account_id, **kpis}}

    @timer(interval=ROLLUP_SECONDS)
    def refresh_rollups(self) -> None:
        """Compute again the rollups of days that events dirtied, so that a dashboard
        seldom has to (after a rebuild, every day of the history is dirty)."""
        rollups.refresh_some(self.db.session, self.db.commit)

    @timer(interval=ALERT_CHECK_SECONDS)
    def check_alerts(self) -> None:
        """Emit kpi.threshold_crossed for each configured alert that crossed its threshold."""
        try:
            configured = alerts.configured_alerts()
        except ValueError:
            log.exception("KPI alerts are not checked")
            return
        alerts.check(self.db, configured, _now())
        self.db.commit()

    # --- history and time travel ------------------------------------------------------------

    @rpc
    def contact_history(self, contact_id: str,
                        query: dict[str, Any] | None = None) -> dict[str, Any]:
        query = load(_history_in, query or {})
        return history.history(self.db.session, "contact", contact_id, query["limit"],
                               query.get("cursor"))

    @rpc
    def account_history(self, account_id: str,
                        query: dict[str, Any] | None = None) -> dict[str, Any]:
        query = load(_history_in, query or {})
        return history.history(self.db.session, "account", account_id, query["limit"],
                               query.get("cursor"))

    @rpc
    def contact_as_of(self, contact_id: str, as_of: str) -> dict[str, Any]:
        moment = load(_as_of_in, {"as_of": as_of})["as_of"]
        return history.customer_as_of(self.db.session, "contact", contact_id, moment)

    @rpc
    def account_as_of(self, account_id: str, as_of: str) -> dict[str, Any]:
        moment = load(_as_of_in, {"as_of": as_of})["as_of"]
        return history.customer_as_of(self.db.session, "account", account_id, moment)

    # --- rebuild ----------------------------------------------------------------------------

    @rpc
    @retried_when_raced  # emptying every table while consumers write them can deadlock
    def start_rebuild(self) -> dict[str, Any]:
        """Empty every read model; then `rebuild_page` each source from cursor 0."""
        rebuild.reset(self.db.session)
        self.db.commit()
        return {"sources": list(rebuild.SOURCES)}

    @rpc
    def rebuild_page(self, query: dict[str, Any]) -> dict[str, Any]:
        query = load(_rebuild_in, query)
        source = getattr(self, query["source"])
        page = source.event_log(query["cursor"], query["limit"])
        result = rebuild.apply_page(self.db.session, query["source"], page)
        self.db.commit()
        return result


def _consumer(source: str, event_type: str):
    def handler(self, events: list[dict[str, Any]]) -> None:
        handlers.record_events(self.db, events)

    handler.__name__ = "record_" + event_type.replace(".", "_")
    handler.__qualname__ = f"ReportingService.{handler.__name__}"
    return consumes(source, event_type, batch=BATCH)(handler)


# One reliable consumer per event type (each its own queue and dead-letter queue), made
# from the table above rather than written out fifty times; each applies its events in
# batches, one transaction and one statement per table for all of them.
for _source, _types in CONSUMED.items():
    for _type in _types:
        _method = _consumer(_source, _type)
        setattr(ReportingService, _method.__name__, _method)
