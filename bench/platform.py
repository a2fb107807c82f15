"""The platform under test (crm_testing's, as the end-to-end tests start it), plus the
baseline processes and their database. Everything started is stopped in ``stop()``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.thin_writer import SINKS, WRITER
from crm_testing import databases
from crm_testing.platform import ROOT
from crm_testing.platform import Platform as TestPlatform

ADMIN = {"email": "admin@bench.test", "password": "bench-admin-password"}

# CRM_BENCH_POSTGRES_URL wins over CRM_TEST_POSTGRES_URL; crm_testing reads the module global.
if os.environ.get("CRM_BENCH_POSTGRES_URL", "").strip():
    databases.POSTGRES_URL = os.environ["CRM_BENCH_POSTGRES_URL"].strip()


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM of a process (its peak resident set), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Platform(TestPlatform):
    def __init__(self, workdir: Path):
        pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        super().__init__(workdir, "crm_bench", ADMIN, env={
            "CRM_RPC_TIMEOUT": "10", "PYTHONPATH": pythonpath,
            # The campaign run measures how fast mails can go, not the polite default
            # (50/s per replica); a kill's leases free in 5 s instead of 60.
            "CRM_MARKETING_SEND_RATE": "2000", "CRM_MARKETING_SEND_TICK_SECONDS": "0.2",
            "CRM_MARKETING_SEND_LEASE_SECONDS": "5"})
        self.thin_db = self.database("crm_bench_thin")
        # The thin writer (bench.thin_writer) writes the thin path's rows; each of its
        # consumers has a database of its own, as every service does.
        self.sink_dbs = {name: self.database(f"crm_{name}") for name in SINKS}
        self.env.update({"CRM_BENCH_THIN_DATABASE_URL": self.thin_db,
                         f"CRM_{WRITER.upper()}_DATABASE_URL": self.thin_db,
                         **{f"CRM_{name.upper()}_DATABASE_URL": url
                            for name, url in self.sink_dbs.items()}})

    @property
    def contacts_db(self) -> str:
        return self.env["CRM_CONTACTS_DATABASE_URL"]

    def start_echo(self) -> None:
        process = self.start_process("echo", [sys.executable, "-m", "bench.echo",
                                              self.amqp_uri])
        process.wait_for_log("echo consuming", timeout=30)

    def analyze(self) -> None:
        """Refresh the planner's statistics of every database, as autovacuum does within
        its minute on a running server. Tables filled seconds before a run have none, and
        PostgreSQL then plans for a table of one row: a nested loop over every contact for
        the 360's duplicate candidates cost 5 ms where the indexed plan costs 0.4."""
        for url in self.databases:
            engine = create_engine(url, isolation_level="AUTOCOMMIT")
            try:
                with engine.connect() as connection:
                    connection.execute(text("ANALYZE"))
            finally:
                engine.dispose()
