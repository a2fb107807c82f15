"""A closed-loop load generator: N threads, each with its own client, bounded in time and count."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from bench import cpu

MAX_REQUESTS = 200_000  # per run, whatever the duration


@dataclass
class Result:
    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client_cpu: float  # CPU seconds of this (client) process per wall second: 1.0 = one core
    first_error: str = ""
    # CPU ms per request of each process over the measured requests, when run had a snapshot
    cpu_ms: dict[str, float] = field(default_factory=dict)
    cpu_total_ms: float = 0.0  # and of all of them together

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run(name: str, make_client: Callable[[], object], call: Callable[[object, int], None],
        clients: int, duration: float, max_requests: int = MAX_REQUESTS,
        close: Callable[[object], None] | None = None, warmup: int = 5,
        snapshot: Callable[[], dict] | None = None) -> Result:
    """``call(client, i)`` does one request and raises on failure; each thread owns a client.
    With ``snapshot`` (``bench.cpu.snapshot`` of the platform), each process's CPU per
    request is measured over the measured requests only, the warm-up left out."""
    made = [make_client() for _ in range(clients)]
    for client in made:  # connections open and the server warm before the clock starts
        for i in range(warmup):
            try:
                call(client, i)
            except Exception:  # noqa: BLE001 - counted in the measured run
                break
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    first_error: list[str] = []
    counter = iter(range(max_requests))
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def work(slot: int) -> None:
        client, mine = made[slot], latencies[slot]
        start_gate.wait()
        while time.monotonic() < stop_at[0]:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            begun = time.perf_counter()
            try:
                call(client, i)
            except Exception as error:  # noqa: BLE001 - a failed request is a figure too
                errors[slot] += 1
                if not first_error:
                    first_error.append(f"{type(error).__name__}: {error}"[:300])
                continue
            mine.append(time.perf_counter() - begun)

    threads = [threading.Thread(target=work, args=(slot,), daemon=True)
               for slot in range(clients)]
    for thread in threads:
        thread.start()
    cpu_before = snapshot() if snapshot else None
    cpu0 = time.process_time()
    began = time.monotonic()
    stop_at[0] = began + duration
    start_gate.wait()
    for thread in threads:
        thread.join(duration + 30)
    seconds = time.monotonic() - began
    client_cpu = (time.process_time() - cpu0) / seconds
    cpu_after = snapshot() if snapshot else None
    if close is not None:
        for client in made:
            close(client)
    flat = [value * 1000 for part in latencies for value in part]
    result = Result(name, clients, len(flat), sum(errors), round(seconds, 2),
                    round(len(flat) / seconds, 1), round(percentile(flat, 0.50), 2),
                    round(percentile(flat, 0.95), 2), round(percentile(flat, 0.99), 2),
                    round(client_cpu, 2), first_error[0] if first_error else "")
    if cpu_before is not None:
        result.cpu_ms = cpu.per_unit(cpu_before, cpu_after, len(flat))
        result.cpu_total_ms = cpu.total_ms(cpu_before, cpu_after, len(flat))
    return result


def ceiling(clients: int, duration: float) -> Result:
    """The generator alone, calling a function that does nothing: its own overhead."""
    return run("load loop alone (no-op call)", lambda: None, lambda client, i: None, clients,
               min(duration, 2.0))
