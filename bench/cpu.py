"""Where a run's CPU went: each process of the platform, the broker and the database, read
from /proc before and after the run (everything runs on this one machine).

A process counts with its children (gunicorn's workers are its master's children). The
broker (RabbitMQ's `beam.smp`) and the database server (every `postgres` process: the
backends of the bench's connections and the server's own workers) are found by name; a
machine where they run elsewhere simply has no line for them. Differences are taken process
by process: one that ends during a run (a database backend closing) loses its share of the
run instead of taking its whole past off its group.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PROC = Path("/proc")
BROKER, DATABASE = "RabbitMQ", "PostgreSQL"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far; 0 when it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def with_children(pid: int) -> list[int]:
    try:
        children = (PROC / str(pid) / "task" / str(pid) / "children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(grandchild for child in children for grandchild in with_children(int(child)))]


def _named(name: str) -> list[int]:
    pids = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def snapshot(platform, *, generator: str = "bench (load generator)"
             ) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each process, grouped: every live process the platform started
    (with its children), this process (the load generator), the broker, the database."""
    groups = {process.name: with_children(process.process.pid)
              for process in platform.processes if process.process.poll() is None}
    groups[generator] = [os.getpid()]
    groups[BROKER] = _named("beam.smp")
    groups[DATABASE] = _named("postgres")
    return {name: {pid: cpu_seconds(pid) for pid in pids}
            for name, pids in groups.items() if pids}


def spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
          ) -> dict[str, float]:
    """CPU seconds of each group between two snapshots, process by process: one started
    meanwhile counts whole; one that ended meanwhile (a database backend closing) is lost,
    rather than taking its whole past off the group's figure."""
    return {name: sum(max(0.0, used - before.get(name, {}).get(pid, 0.0))
                      for pid, used in pids.items())
            for name, pids in after.items()}


def total_ms(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]],
             units: int) -> float:
    """Milliseconds of CPU per unit of work, all processes together: what one unit costs
    the machine (its cores divided by this is the most units a second it can do)."""
    return round(sum(spent(before, after).values()) * 1000 / max(units, 1), 2)


def per_unit(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]],
             units: int, floor_ms: float = 0.05) -> dict[str, float]:
    """Milliseconds of CPU per unit of work (request, event) of each group, the busiest
    first, leaving out those under `floor_ms`."""
    per = {name: seconds * 1000 / max(units, 1)
           for name, seconds in spent(before, after).items()}
    return {name: round(ms, 2) for name, ms in sorted(per.items(), key=lambda kv: -kv[1])
            if ms >= floor_ms}


def settle(platform, *, quiet: float = 0.1, window: float = 0.5, timeout: float = 120.0,
           generator: str = "bench (load generator)") -> float:
    """Wait until the platform, the broker and the database together use under `quiet`
    of a core over `window` seconds, and say how long that took.

    A run that follows writes would otherwise pay for them: the consumers still taking in
    the events of the run before (three services for each contact created) share the cores
    with it, and their CPU would be counted as its own."""
    began = time.monotonic()
    before = snapshot(platform, generator=generator)
    while time.monotonic() - began < timeout:
        time.sleep(window)
        after = snapshot(platform, generator=generator)
        busy = sum(seconds for name, seconds in spent(before, after).items()
                   if name != generator)
        if busy < quiet * window:
            break
        before = after
    return time.monotonic() - began
