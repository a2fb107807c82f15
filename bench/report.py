"""The printed table and the targets of the issue, each marked met or not met."""

from __future__ import annotations

import math

from bench import client

SEARCH_TARGET_ROWS = 1_000_000
THIN_PATH = "thin path (1 RPC, 1 row)"
THIN_WRITE = "thin write (1 event, 2 consumers)"
THIN_FAN_OUT = "thin fan-out (5 RPCs at once)"
WRITES = ("deal move", "ticket create")  # (with the contact create) each emits an event
CPU_COLUMNS = 7  # processes shown per run in the CPU lines


def _find(results, name: str, clients: int):
    for result in results:
        if result.name == name and result.clients == clients:
            return result
    return None


def _ok(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def verdicts(results, extra: dict) -> list[dict]:
    read16 = _find(results, "contact read", 16)
    read1 = _find(results, "contact read", 1)
    thin16 = _find(results, THIN_PATH, 16)
    write16 = _find(results, THIN_WRITE, 16)
    create16 = _find(results, "contact create", 16)
    v360 = _find(results, "contact 360", 1)
    thin1, fan_out1 = _find(results, THIN_PATH, 1), _find(results, THIN_FAN_OUT, 1)
    checks: list[dict] = []

    def check(target: str, figure: str, met: bool | None) -> None:
        status = "n/a" if met is None else "met" if met else "NOT MET"
        checks.append({"target": target, "measured": figure, "status": status})

    if read16 and thin16 and thin16.rps:
        ratio = read16.rps / thin16.rps
        extra["ratio_read16_thin16"] = round(ratio, 3)
        check("read@16 >= 0.5 x thin@16 req/s",
              f"{read16.rps:.0f} / {thin16.rps:.0f} = {ratio:.2f}x", ratio >= 0.5)
    if read16:
        check("read@16 p99 < 50 ms", f"{read16.p99_ms:.1f} ms",
              read16.errors == 0 and read16.p99_ms < 50)
    if create16:
        check("create@16 >= 300 req/s", f"{create16.rps:.0f} req/s "
              f"({create16.errors} errors)" + _versus_issue_thin(create16, thin16)
              + _cores_allow(create16, extra["cpus"]) + _versus_thin_write(write16, thin16),
              create16.errors == 0 and create16.rps >= 300)
    if v360 and read1 and read1.p50_ms:
        ratio = v360.p50_ms / read1.p50_ms
        extra["ratio_360p50_readp50"] = round(ratio, 3)
        check("360 p50 < 1.5 x read p50 (1 client)",
              f"{v360.p50_ms:.1f} / {read1.p50_ms:.1f} ms = {ratio:.2f}x"
              + _floor_360(_find(results, "contact 360", 16), read1, extra["cpus"])
              + _versus_fan_out(fan_out1, thin1, read1),
              ratio < 1.5)
    for name in ("deal move", f"board of {extra.get('board_deals')} deals", "ticket create",
                 f"queue of {extra.get('queue_tickets')}+ tickets"):
        run16 = _find(results, name, 16)
        if run16 and thin16 and thin16.rps:
            ratio = run16.rps / thin16.rps
            floor = _versus_thin_write(write16, thin16) if name in WRITES else ""
            check(f"{name}@16 >= 0.5 x thin@16 req/s",
                  f"{run16.rps:.0f} / {thin16.rps:.0f} = {ratio:.2f}x"
                  + _cores_allow(run16, extra["cpus"], thin16) + floor, ratio >= 0.5)
            check(f"{name}@16 p99 < 50 ms", f"{run16.p99_ms:.1f} ms",
                  run16.errors == 0 and run16.p99_ms < 50)
    p95 = extra.get("search_p95_worst_ms")
    rows = extra.get("search_rows", 0)
    if _ok(p95):
        at_scale = rows >= SEARCH_TARGET_ROWS
        check(f"search p95 < 50 ms at {SEARCH_TARGET_ROWS:,} contacts",
              f"worst-term p95 {p95:.1f} ms at {rows:,} contacts"
              + ("" if at_scale else " (not at target scale: run --full)"),
              (p95 < 50) if at_scale else None)
    imp = extra.get("import")
    if imp:
        check("import >= 5,000 rows/s", f"{imp['rows_per_s']:.0f} rows/s ({imp['status']}, "
              f"{imp['processed']}/{imp['total']})",
              imp["status"] == "done" and imp["rows_per_s"] >= 5000)
        check("import peak RSS < 500 MB", f"{imp['peak_rss_mb']:.0f} MB (contacts VmHWM)",
              0 < imp["peak_rss_mb"] < 500)
    campaign = extra.get("campaign")
    if campaign:
        check("campaign: none lost or doubled through a kill",
              f"{campaign['unique_message_ids']}/{campaign['mails']} delivered, "
              f"{campaign['lost']} lost, {campaign['doubled']} doubled",
              campaign["lost"] == 0 and campaign["doubled"] == 0)
    if "client" in extra:
        for target, figure, met in client.checks(extra["client"]):
            check(target, figure, met)
    return checks


# The issue sets 300 creates a second beside a thin path of "about 1,000 req/s at 16
# clients on a 2-core machine here": the ratio says how far a slower machine's figure is.
ISSUE_THIN_RPS = 1000


def _versus_issue_thin(run16, thin16) -> str:
    if not (thin16 and thin16.rps):
        return ""
    return (f" = {run16.rps / thin16.rps:.2f}x this run's thin path (the issue's 300 beside"
            f" its thin path of about {ISSUE_THIN_RPS:,}: {300 / ISSUE_THIN_RPS:.2f}x)")


def _versus_thin_write(write16, thin16) -> str:
    """The thin write's own rate beside the thin path's: how near the design lets any write
    with an event come to a read."""
    if not (write16 and thin16 and thin16.rps):
        return ""
    return (f"; the thin write, this design's least write with an event, "
            f"{write16.rps / thin16.rps:.2f}x thin at {write16.cpu_total_ms:.1f} ms")


def _versus_fan_out(fan_out1, thin1, read1) -> str:
    """The thin fan-out's p50 beside the thin path's: a view of five parts, each the least a
    call costs in this design, against a one-call read. The four calls a view adds to its
    read cost at least what four of the least calls add to one (fan-out - thin), so no 360
    answers sooner than the read plus that."""
    if not (fan_out1 and thin1 and thin1.p50_ms):
        return ""
    added = fan_out1.p50_ms - thin1.p50_ms
    floor = read1.p50_ms + added
    return (f"; the thin fan-out, five one-row calls at once, takes "
            f"{fan_out1.p50_ms / thin1.p50_ms:.2f}x the thin path's p50: four more of the "
            f"least calls add {added:.1f} ms, so the 360 cannot take under the read's "
            f"{read1.p50_ms:.1f} + {added:.1f} = {floor:.1f} ms = "
            f"{floor / read1.p50_ms:.2f}x")


def _cores_allow(run16, cores: int, thin16=None) -> str:
    """The rate the machine allows a run whose every request costs its measured CPU (all
    processes together): close to the measured rate, the cores are the limit, not a wait."""
    if not run16.cpu_total_ms:
        return ""
    most = ceiling_rps(run16.cpu_total_ms, cores)
    versus = f" = {most / thin16.rps:.2f}x thin" if thin16 and thin16.rps else ""
    return (f"; at {run16.cpu_total_ms:.1f} ms of CPU a request, {cores} cores allow "
            f"{most:.0f} req/s at most{versus}")


def _floor_360(v360_16, read1, cores: int) -> str:
    """What the machine allows: a view's parts run in parallel, but all the CPU they cost
    together (measured at 16 clients) is shared by `cores` cores, so no view can be answered
    sooner than that CPU divided by the cores, however it is composed."""
    if not (v360_16 and v360_16.cpu_total_ms and read1.p50_ms):
        return ""
    floor = v360_16.cpu_total_ms / cores
    return (f"; a view costs {v360_16.cpu_total_ms:.1f} ms of CPU in all, so on {cores} cores"
            f" its p50 cannot fall under {floor:.1f} ms = {floor / read1.p50_ms:.2f}x")


def ceiling_rps(total_ms: float, cores: int) -> float:
    """The most requests a second the machine's cores allow when each costs `total_ms`."""
    return cores * 1000 / total_ms if total_ms > 0 else math.inf


def print_report(results, extra: dict, checks: list[dict]) -> None:
    print(f"\nbench: {extra['mode']} mode, {extra['database']} database, {extra['cpus']} CPUs, "
          f"gunicorn {extra['gunicorn_workers']} workers x {extra['gunicorn_threads']} threads, "
          f"{extra['duration_s']:g} s per load run, wall {extra.get('wall_s', '?')} s")
    header = (f"{'run':<34} {'cli':>3} {'req':>7} {'err':>4} {'req/s':>8} {'p50 ms':>8} "
              f"{'p95 ms':>8} {'p99 ms':>8} {'cli cpu':>7}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.name[:34]:<34} {r.clients:>3} {r.requests:>7} {r.errors:>4} {r.rps:>8.1f} "
              f"{r.p50_ms:>8.2f} {r.p95_ms:>8.2f} {r.p99_ms:>8.2f} {r.client_cpu:>7.2f}")
    for r in results:
        if r.first_error:
            print(f"  first error of {r.name!r} @{r.clients}: {r.first_error}")
    measured = [r for r in results if r.cpu_ms]
    if measured:
        print("\nCPU ms per request at 16 clients, by process (the busiest first; bench/cpu.py)")
        for r in measured:
            print(f"  {r.name[:34]:<34} " + ", ".join(
                f"{name} {ms:.2f}" for name, ms in list(r.cpu_ms.items())[:CPU_COLUMNS]))
            print(f"  {'':<34} in all {r.cpu_total_ms:.2f} ms: at most "
                  f"{ceiling_rps(r.cpu_total_ms, extra['cpus']):,.0f} req/s on "
                  f"{extra['cpus']} cores")
    if extra.get("search_hits"):
        print(f"search over {extra.get('search_rows', 0):,} contacts "
              f"(bulk load {extra.get('bulk_load_s')} s); hits on first page: "
              + ", ".join(f"{t!r}={h}" for t, h in extra["search_hits"].items()))
    if extra.get("search_note"):
        print(f"  note: {extra['search_note']}")
    imp = extra.get("import")
    if imp:
        print(f"import: {imp['rows']:,} rows, status {imp['status']}, "
              f"{imp['processed']}/{imp['total']} processed in {imp['seconds']} s "
              f"(upload {imp['upload_s']} s) = {imp['rows_per_s']:.0f} rows/s, "
              f"contacts peak RSS {imp['peak_rss_mb']:.0f} MB")
        print(f"  status polls during the import: slowest {imp['slowest_status_poll_s']} s, "
              f"{imp['status_polls_failed']} failed"
              + (f" (first: {imp['first_poll_error']})" if imp["first_poll_error"] else ""))
        if imp.get("cpu_ms_per_row"):
            print(f"  CPU while it ran: {imp['cores_busy']} of {extra['cpus']} cores busy; ms per "
                  "row: " + ", ".join(f"{name} {ms:.2f}"
                                      for name, ms in imp["cpu_ms_per_row"].items()))
        if imp["sample_errors"]:
            print(f"  sample row errors: {imp['sample_errors']}")
    if seg := extra.get("segment"):
        print(f"segment over {seg['audience']:,} contacts ({seg['members']} members): count "
              f"p50 {seg['count_p50_s']} s (max {seg['count_max_s']} s), saving it "
              f"{seg['save_s']} s")
    if camp := extra.get("campaign"):
        print(f"campaign: {camp['unique_message_ids']:,}/{camp['mails']:,} mails in "
              f"{camp['seconds']} s = {camp['mails_per_s']} mails/s; marketing killed after "
              f"{camp['killed_after']:,} and restarted in {camp['restart_s']} s; "
              f"{camp['lost']} lost, {camp['doubled']} delivered twice (same Message-ID)")
    if extra.get("360_sections"):
        print(f"360 keys: {', '.join(extra['360_sections'])} (every service built so far "
              "answers its part; the others are not asked)")
    for line in client.report_lines(extra.get("client") or {}):
        print(line)
    print("\ntargets (from the issue)")
    for c in checks:
        print(f"  [{c['status']:>7}] {c['target']:<44} {c['measured']}")
