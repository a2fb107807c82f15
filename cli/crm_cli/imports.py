"""Contact imports through `POST /api/v1/contacts/import`: upload a file, follow the job
to its end with a progress bar, and report what it did."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.progress import Progress

from crm_cli.client import CrmClient
from crm_cli.mapping import Mapping
from crm_cli.problems import ApiProblem, UsageError, error_lines
from crm_cli.progress import progress_bar

FINAL_STATUSES = frozenset({"done", "failed"})
COUNTS = ("created", "updated", "skipped", "failed")
SHOWN_ERRORS = 10
FULL_REPORT_ERRORS = 10000
POLL_SECONDS = 0.3
VCARD_SUFFIXES = (".vcf", ".vcard")


@dataclass(frozen=True)
class ImportOptions:
    dedup: str = "skip"
    dry_run: bool = False
    mapping: Mapping | None = None


def import_form(options: ImportOptions) -> dict[str, str]:
    """The multipart form fields that go with the file."""
    form = {"dedup": options.dedup, "dry_run": "true" if options.dry_run else "false"}
    if options.mapping is not None:
        form["mapping"] = json.dumps(options.mapping, ensure_ascii=False)
    return form


def start_import(client: CrmClient, filename: str, content: bytes | IO[bytes],
                 options: ImportOptions) -> dict[str, Any]:
    """Upload the file; the API answers 202 with the queued job, its `total` counted."""
    kind = "text/vcard" if filename.lower().endswith(VCARD_SUFFIXES) else "text/csv"
    try:
        return client.post("/contacts/import", files={"file": (filename, content, kind)},
                           data=import_form(options))
    except ApiProblem as problem:
        problem.context = f"{filename} was not accepted"
        raise


def follow_import(client: CrmClient, job: dict[str, Any],
                  on_progress: Callable[[dict[str, Any]], None],
                  poll_seconds: float = POLL_SECONDS) -> dict[str, Any]:
    """Poll the job until it is done or failed; the final state carries the first row
    errors."""
    on_progress(job)
    while job["status"] not in FINAL_STATUSES:
        time.sleep(poll_seconds)
        job = client.get(f"/contacts/import/{job['id']}", errors_limit=0)
        on_progress(job)
    return client.get(f"/contacts/import/{job['id']}", errors_limit=SHOWN_ERRORS)


def report_url(client: CrmClient, job_id: str) -> str:
    return f"{client.base}/contacts/import/{job_id}?errors_limit={FULL_REPORT_ERRORS}"


def job_report(job: dict[str, Any], full_report: str) -> list[str]:
    """What the job did, in lines for a person: status, counts, the first row errors."""
    name = job.get("filename") or "the file"
    lines = [f"{name}: import {job['status']}"
             + (" (dry run: nothing was written)" if job.get("dry_run") else "")]
    if job["status"] == "failed" and job.get("error"):
        lines.append(f"  {job['error']}")
    counts = " · ".join(f"{key} {job.get(key, 0)}" for key in COUNTS)
    lines.append(f"  {job.get('processed', 0)} of {job.get('total', 0)} rows: {counts}")
    errors = job.get("errors") or []
    if errors:
        failed = job.get("failed", len(errors))
        shown = "" if failed <= len(errors) else f", the first {len(errors)}"
        lines.append(f"{failed} row{'s' if failed != 1 else ''} failed{shown}:")
        lines += [f"  {row_error_line(error)}" for error in errors]
        lines.append(f"Every row error: GET {full_report}")
    return lines


def row_error_line(error: dict[str, Any]) -> str:
    messages = "; ".join(error_lines(error.get("errors"))) or "rejected"
    return f"line {error.get('line', '?')}: {messages}"


def import_contacts(client: CrmClient, path: Path, options: ImportOptions,
                    console: Console) -> dict[str, Any]:
    """Upload `path` and follow the job with a progress bar; the job's final state."""
    try:
        upload = path.open("rb")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    with upload, console.status(f"Uploading {path.name}…"):
        job = start_import(client, path.name, upload, options)
    with progress_bar(console) as progress:
        return follow_with_bar(client, job, progress, f"Importing {path.name}")


def follow_with_bar(client: CrmClient, job: dict[str, Any], progress: Progress,
                    description: str) -> dict[str, Any]:
    """`follow_import`, drawing the job's processed rows out of its total."""
    task = progress.add_task(description, total=job.get("total") or None)

    def show(state: dict[str, Any]) -> None:
        progress.update(task, total=state.get("total") or None,
                        completed=state.get("processed", 0))

    return follow_import(client, job, show)
