"""The reporting bench: a generated two-year history of the platform rebuilt into the
reporting service's read models through the real rebuild, the role dashboards read over
it, then live events published at a steady rate and the time each takes to show in the
read model its KPIs are computed from.

`python -m bench.reporting [--scale 0.1] [--rates 100,250,500] [--seconds 10]`; `--full` is the
issue's scale (1,000,000 contacts, 200,000 opportunities, 200,000 tickets: about 2.6
million events, a rebuild of 20 minutes or more).

1. The history (bench/history.py) is written into each source service's outbox, the log
   that `crm reporting rebuild` reads, marked as published (the relays leave it alone).
2. The rebuild runs as the CLI runs it (`crm_cli.reporting.rebuild`): through the gateway,
   page by page, each page read from its service by RPC and applied by the reporting
   service. Its time and events/s are the rebuild's figures.
3. Each role's dashboard (`GET /api/v1/dashboards/<role>`, this month beside the last),
   by one client: p50, p95.
4. Each of `--rates` events/s for `--seconds`: new contacts, deals and tickets in turn, published
   to the broker as the services' relays publish them (confirmed, to their exchanges). A
   watcher polls the reporting database every 50 ms for their rows (so a latency reads up to
   50 ms long; polling faster cost the shared cores more than it told): a dashboard computes
   its KPIs from those rows when asked, so a row's arrival is the event reflected in its
   KPI. Latency = first seen - published (p50, p99, max), and how many never arrived;
   and the CPU each process spent per event meanwhile, RabbitMQ and PostgreSQL included
   (bench/cpu.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from rich.console import Console
from rich.progress import Progress
from sqlalchemy import create_engine, select

from bench import cpu, load
from bench.history import Counts, History, write_history
from bench.output import finish
from bench.platform import ROOT, Platform
from crm_chassis.amqp import ConfirmedPublisher, Outgoing, events_exchange
from crm_cli.client import CrmClient
from crm_cli.connection import Connection
from crm_cli.reporting import rebuild
from crm_testing.platform import SERVICES
from reporting.models import ContactFacts, OpportunityFacts, TicketFacts

ROLES = ("sales_rep", "sales_manager", "marketer", "support_manager", "executive")
DASHBOARD_P95_MS = 50
EVENT_P99_S = 1.0
POLL_S = 0.05  # the watcher's period
GENERATOR = "bench (publisher, watcher)"  # this process, in the CPU figures
TABLES = {"contacts": ContactFacts.__table__, "opportunities": OpportunityFacts.__table__,
          "tickets": TicketFacts.__table__}
SOURCES = ("contacts", "sales", "support", "marketing")


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def start(platform: Platform, counts: Counts, now: datetime) -> dict:
    """Schemas, the history in the outboxes, then every process."""
    platform.setup()
    step(f"writing the history into the outboxes: {counts}")
    begun = time.monotonic()

    def shown(written) -> None:
        print(f"\r  {written.total:,} events written", end="", file=sys.stderr, flush=True)

    written = write_history({source: platform.env[f"CRM_{source.upper()}_DATABASE_URL"]
                             for source in SOURCES}, History(counts, now), shown)
    print(file=sys.stderr)
    seconds = time.monotonic() - begun
    platform.start_mailbox()
    for service in SERVICES:
        platform.start_service(service)
    platform.start_gunicorn("gateway", "gateway.app:create_app()", "/healthz")
    return {"events": written.total, "by_source": written.events,
            "write_s": round(seconds, 1)}


def rebuild_run(platform: Platform) -> dict:
    session = requests.Session()
    session.trust_env = False  # loopback only, never through a proxy
    client = CrmClient(Connection(platform.url, token=platform.token()), session, timeout=600)
    begun = time.monotonic()
    with Progress(console=Console(stderr=True), transient=True) as progress:
        result = rebuild(client, progress)
    seconds = time.monotonic() - begun
    return {"applied": result.applied, "skipped": sum(s.skipped for s in result.sources),
            "pages": sum(s.pages for s in result.sources), "seconds": round(seconds, 1),
            "events_per_s": round(result.applied / seconds, 1)}


def dashboard_runs(platform: Platform, requests: int) -> list[load.Result]:
    from bench.__main__ import checked, session_client
    auth = {"Authorization": f"Bearer {platform.token()}"}
    results = []
    for role in ROLES:
        url = f"{platform.url}/api/v1/dashboards/{role}"
        step(f"dashboard {role}")
        results.append(load.run(f"dashboard {role}", session_client(auth),
                                lambda s, i, url=url: checked(s.get(url, timeout=60)),
                                1, 120, max_requests=requests, warmup=2))
    return results


class Watcher:
    """Polls the reporting database for the rows of published records; notes when each
    first appears."""

    def __init__(self, database_url: str):
        self.engine = create_engine(database_url)
        self.pending: dict[str, dict[str, float]] = {kind: {} for kind in TABLES}
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def expect(self, kind: str, record_id: str, published: float) -> None:
        with self.lock:
            self.pending[kind][record_id] = published

    def waiting(self) -> int:
        with self.lock:
            return sum(len(ids) for ids in self.pending.values())

    def _run(self) -> None:
        with self.engine.connect() as connection:
            while not self.stopping.wait(POLL_S):
                for kind, table in TABLES.items():
                    with self.lock:
                        ids = list(self.pending[kind])
                    if not ids:
                        continue
                    found = connection.execute(
                        select(table.c.id).where(table.c.id.in_(ids))).scalars().all()
                    connection.rollback()  # a fresh snapshot at every poll
                    now = time.monotonic()
                    with self.lock:
                        for record_id in found:
                            published = self.pending[kind].pop(record_id, None)
                            if published is not None:
                                self.seen[record_id] = now - published

    def __enter__(self) -> Watcher:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.thread.join(10)
        self.engine.dispose()


def latency_run(platform: Platform, counts: Counts, rate: int, seconds: float, first: int,
                settle: float = 60.0) -> dict:
    history = History(counts, datetime.now(UTC), seed=first)
    publisher = ConfirmedPublisher(platform.amqp_uri)
    total = int(rate * seconds)
    sent = 0
    cpu_before = cpu.snapshot(platform, generator=GENERATOR)
    with Watcher(platform.env["CRM_REPORTING_DATABASE_URL"]) as watcher:
        begun = time.monotonic()
        try:
            while sent < total:
                due = min(total, int((time.monotonic() - begun) * rate) + 1)
                batch = []
                for n in range(sent, due):
                    kind = History.LIVE[n % len(History.LIVE)]
                    source, envelope, record_id = history.created(kind, first + n,
                                                                  datetime.now(UTC))
                    envelope = {**envelope, "occurred_at": envelope["occurred_at"].isoformat()}
                    batch.append((kind, record_id, Outgoing(
                        envelope, envelope["type"], events_exchange(source),
                        headers={"nameko.correlation_id": envelope["id"]})))
                if batch:
                    published = time.monotonic()
                    publisher.publish_all([outgoing for _, _, outgoing in batch])
                    for kind, record_id, _ in batch:
                        watcher.expect(kind, record_id, published)
                    sent = due
                time.sleep(0.005)
            publish_s = time.monotonic() - begun
            deadline = time.monotonic() + settle
            while watcher.waiting() and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            publisher.close()
        latencies = sorted(watcher.seen.values())
    # CPU per event of each process, from the first publish until the last event arrived
    # (or the wait gave up): what the platform spends on an event, wherever it is spent.
    spent = cpu.per_unit(cpu_before, cpu.snapshot(platform, generator=GENERATOR), total)
    return {"events": total, "rate_asked": rate, "rate_published": round(total / publish_s, 1),
            "cpu_ms_per_event": spent,
            "arrived": len(latencies), "lost_or_late": total - len(latencies),
            "settle_s": settle,
            "p50_s": round(load.percentile(latencies, 0.50), 3) if latencies else None,
            "p99_s": round(load.percentile(latencies, 0.99), 3) if latencies else None,
            "max_s": round(latencies[-1], 3) if latencies else None,
            "mean_s": round(statistics.fmean(latencies), 3) if latencies else None}


def checks(figures: dict) -> list[tuple[str, str, bool | None]]:
    worst = max((d["p95_ms"] for d in figures.get("dashboards", [])), default=None)
    runs = figures.get("events", [])
    live = max(runs, key=lambda run: run["rate_asked"]) if runs else {}
    rebuilt = figures.get("rebuild", {})
    return [
        (f"dashboard p95 < {DASHBOARD_P95_MS} ms (worst role)",
         f"{worst:.1f} ms" if worst is not None else "-",
         None if worst is None else worst < DASHBOARD_P95_MS),
        (f"event in its KPI < {EVENT_P99_S:g} s p99 at {live.get('rate_asked')} ev/s",
         f"{live.get('p99_s')} s, {live.get('lost_or_late')} missing",
         None if live.get("p99_s") is None
         else live["p99_s"] < EVENT_P99_S and live["lost_or_late"] == 0),
        ("rebuild: every event applied, none skipped",
         f"{rebuilt.get('applied')} applied, {rebuilt.get('skipped')} skipped, "
         f"{rebuilt.get('events_per_s')} events/s",
         None if not rebuilt else rebuilt["skipped"] == 0
         and rebuilt["applied"] == figures["history"]["events"]),
    ]


def report_lines(figures: dict) -> list[str]:
    history, rebuilt = figures["history"], figures["rebuild"]
    lines = [f"history: {history['counts']}", f"  {history['events']:,} events "
             f"({', '.join(f'{k} {v:,}' for k, v in history['by_source'].items())}), "
             f"written in {history['write_s']} s",
             f"rebuild: {rebuilt['applied']:,} events in {rebuilt['seconds']} s = "
             f"{rebuilt['events_per_s']:,} events/s ({rebuilt['pages']} pages)",
             f"{'dashboard':<28}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max-ish p99':>12}"]
    for result in figures["dashboards"]:
        lines.append(f"{result['name']:<28}{result['requests']:>9}{result['p50_ms']:>9.1f}"
                     f"{result['p95_ms']:>9.1f}{result['p99_ms']:>12.1f}")
    for live in figures["events"]:
        lines.append(f"live events: {live['events']} at {live['rate_published']}/s (asked "
                     f"{live['rate_asked']}): in the read model p50 {live['p50_s']} s, p99 "
                     f"{live['p99_s']} s, max {live['max_s']} s; {live['lost_or_late']} not "
                     f"there {live['settle_s']:g} s after the last")
        lines.append("  CPU ms per event: " + ", ".join(
            f"{name} {ms}" for name, ms in live["cpu_ms_per_event"].items()))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reporting", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.1,
                        help="of the issue's history (1.0: a million contacts)")
    parser.add_argument("--full", action="store_true", help="--scale 1")
    parser.add_argument("--rates", default="100,250,500",
                        type=lambda text: [int(rate) for rate in text.split(",")],
                        help="live events per second, one run each (the last: the target)")
    parser.add_argument("--seconds", type=float, default=10, help="of live events")
    parser.add_argument("--dashboard-requests", type=int, default=100, help="per role")
    parser.add_argument("--output", default=str(ROOT / "var/bench-reporting-results.json"))
    args = parser.parse_args(argv)
    counts = Counts.at(1.0 if args.full else args.scale)
    figures: dict = {"scale": 1.0 if args.full else args.scale}
    with tempfile.TemporaryDirectory(prefix="crm-bench-reporting-") as workdir:
        platform = Platform(Path(workdir))
        figures["database"] = platform.backend
        try:
            history = start(platform, counts, datetime.now(UTC))
            figures["history"] = {"counts": vars(counts), **history}
            step(f"rebuilding the read models from {history['events']:,} events")
            figures["rebuild"] = rebuild_run(platform)
            figures["dashboards"] = [r.as_dict() for r in
                                     dashboard_runs(platform, args.dashboard_requests)]
            figures["events"] = []
            first = max(counts.contacts, counts.opportunities, counts.tickets) + 1
            for rate in args.rates:
                step(f"{rate} events/s for {args.seconds:g} s")
                run = latency_run(platform, counts, rate, args.seconds, first)
                figures["events"].append(run)
                first += run["events"]
        except BaseException:
            sys.stderr.write(platform.logs() + "\n")
            raise
        finally:
            platform.stop()
    targets = checks(figures)
    figures["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in targets]
    finish(figures, args.output, report_lines(figures), targets, width=52)
    return 0


if __name__ == "__main__":
    sys.exit(main())
