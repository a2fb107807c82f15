"""Reports and role dashboards from the reporting service, as JSON or CSV, and the
rebuild of its read models."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, g, request
from marshmallow import RAISE

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.reporting_schemas import (
    DASHBOARDS,
    DashboardListOut,
    DashboardOut,
    PeriodArgs,
    RebuildOut,
    RebuildPageIn,
    RebuildPageOut,
    ReportArgs,
    ReportListOut,
    ReportOut,
)
from gateway.errors import Problem, from_remote
from gateway.http import as_is
from gateway.permissions import DASHBOARD_ROLES, requires
from gateway.rpc import RemoteError

blp = Blueprint("reports", __name__, url_prefix="/api/v1",
                description="Reports, role dashboards and the rebuild of the read models")
# The dashboard named after each role, where its name differs.
OWN_DASHBOARD = {"admin": "executive", "marketing": "marketer"}


def csv_doc(schema) -> dict[str, Any]:
    """A 200 that is JSON by default and CSV on request: both documented (a manual 200
    replaces the one @blp.response documents, so JSON is named again here)."""
    return {"responses": {"200": {"description": "OK", "content": {
        "application/json": {"schema": schema},
        "text/csv": {"schema": {"type": "string"}}}}}}


def wants_csv(args: dict[str, Any]) -> bool:
    if "format" in args:
        return args["format"] == "csv"
    accepted = request.accept_mimetypes
    return accepted.quality("text/csv") > accepted.quality("application/json")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{key} {_cell(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_cell(item.get("code") if isinstance(item, dict) and "code" in item
                               else item) for item in value)
    return str(value)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """Nested figures (churn {score, reasons}) become columns of their own."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict) and set(value) >= {"score", "reasons"}:
            flat[f"{key}_score"] = value["score"]
            flat[f"{key}_reasons"] = value["reasons"]
        else:
            flat[key] = value
    return flat


def csv_response(rows: list[dict[str, Any]], filename: str) -> Response:
    rows = [_flat(row) for row in rows]
    columns: list[str] = []
    for row in rows:
        columns += [key for key in row if key not in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}.csv"'})


def _query(args: dict[str, Any], *names: str) -> dict[str, Any]:
    query = {name: args[name] for name in ("period", "owner_id", *names) if name in args}
    if "on" in args:
        query["on"] = args["on"].isoformat()
    return query


@blp.route("/reports", methods=["GET"])
@requires("reports:read")
@blp.response(200, ReportListOut)
def list_reports():
    """The reports there are, and what each can be grouped by."""
    return as_is(services.call("reporting", "list_reports"))


@blp.route("/reports/<name>", methods=["GET"])
@requires("reports:read")
@blp.arguments(ReportArgs, location="query", unknown=RAISE)
@blp.response(200, ReportOut)
@blp.doc(**csv_doc(ReportOut))
def get_report(args, name):
    """One report for a period: a summary and its rows (`?format=csv` or `Accept:
    text/csv` for the rows as CSV). Money is `{currency: decimal string}`."""
    try:
        result = services.call("reporting", "report", name, _query(args, "group_by"))
    except RemoteError as error:
        problem = from_remote(error)
        if "report" in (problem.errors or {}):
            raise Problem(404, "Not found", f"no report named {name!r}") from None
        raise
    if wants_csv(args):
        return csv_response(result["rows"], f"{name}-{result['period']['from'][:10]}")
    return as_is(result)


@blp.route("/dashboards", methods=["GET"])
@requires("dashboards:read")
@blp.response(200, DashboardListOut)
def list_dashboards():
    """The dashboards the caller may open, their own role's first: what a client offers."""
    principal = g.principal
    allowed = DASHBOARD_ROLES.get(principal.role or "", ()) if principal.kind == "user" \
        else ()
    own = OWN_DASHBOARD.get(principal.role or "", principal.role)
    ordered = sorted(allowed, key=lambda role: role != own)
    return {"items": [{"role": role} for role in ordered], "next_cursor": None}


@blp.route("/dashboards/<role>", methods=["GET"])
@requires("dashboards:read")
@blp.arguments(PeriodArgs, location="query", unknown=RAISE)
@blp.response(200, DashboardOut)
@blp.doc(**csv_doc(DashboardOut))
def get_dashboard(args, role):
    """A role's KPIs for a period, each beside its value in the previous period. Users see
    their role's dashboards (a sales rep their own figures, a sales manager the team's or
    one rep's with `owner_id`); admins see every one."""
    if role not in DASHBOARDS:
        raise Problem(422, "Invalid input", f"no dashboard for {role!r}",
                      errors={"role": [f"one of: {', '.join(DASHBOARDS)}"]})
    principal = g.principal
    allowed = DASHBOARD_ROLES.get(principal.role or "", ()) if principal.kind == "user" \
        else ()
    if role not in allowed:
        raise Problem(403, "Forbidden", f"the {role} dashboard is not one of your role's")
    query = _query(args)
    if principal.role == "sales_rep":
        if query.get("owner_id") not in (None, principal.id):
            raise Problem(403, "Forbidden", "a sales rep sees only their own figures")
        query["owner_id"] = principal.id
    result = services.call("reporting", "dashboard", {"role": role, **query})
    if wants_csv(args):
        return csv_response(result["kpis"], f"dashboard-{role}-{result['period']['from'][:10]}")
    return as_is(result)


@blp.route("/reports/rebuild", methods=["POST"])
@requires("reports:rebuild")
@blp.response(200, RebuildOut)
def start_rebuild():
    """Empty every read model, then send each source's event log through
    `POST /reports/rebuild/pages` from cursor 0 (what `crm reporting rebuild` does). The
    figures are incomplete until every log has been read to its end."""
    return as_is(services.call("reporting", "start_rebuild", timeout=120.0))


@blp.route("/reports/rebuild/pages", methods=["POST"])
@requires("reports:rebuild")
@blp.arguments(RebuildPageIn)
@blp.response(200, RebuildPageOut)
def rebuild_page(data):
    """Read one page of a service's event log into the read models: `next_cursor` is the
    cursor of the next page (null at the end), `head` the log's last sequence number."""
    return as_is(services.call("reporting", "rebuild_page", data, timeout=120.0))
