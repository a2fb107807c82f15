"""Contact imports as durable jobs: upload in chunks, then process in checkpointed slices.

The upload is stored in the service's database, so the job survives a restart and any
replica can run it. A replica claims a job with a lease and processes rows in batches of
`BATCH_ROWS`, each batch committed with the job's counters and its checkpoint (the last
line applied), for at most `SLICE_SECONDS` at a time so no worker holds the service's
event loop long. A job whose replica died is picked up again when its lease expires and
resumes after the checkpoint: no row is applied twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from contacts.domain.csv_import import CsvFormatError, CsvImportReader, MappingError
from contacts.domain.normalise import normalise_email, normalise_phone
from contacts.domain.vcard import parse_vcards
from contacts.exceptions import InvalidTransition, NotFound, ValidationFailed
from contacts.models import Account, Contact, ImportChunk, ImportJob, ImportRowError, now
from contacts.operations.records import (
    CONTACT_FIELDS,
    contact_data,
    contact_rows,
    contact_values,
    find_or_create_account,
    insert_contacts,
    update_contact,
)
from contacts.schemas import ContactInput, load
from crm_chassis.db import serialise_on

BATCH_ROWS = 500
SLICE_SECONDS = 2.0
LEASE = timedelta(seconds=60)
ABANDONED = timedelta(hours=1)  # an upload with no chunk for that long will not be finished
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
IMPORT_FIELDS = (set(CONTACT_FIELDS) - {"account_id"}) | {"account"}

_contact_input = ContactInput()


class Row:
    __slots__ = ("line", "values", "error")

    def __init__(self, line: int, values: dict[str, str], error: str | None):
        self.line, self.values, self.error = line, values, error


# --- upload ---------------------------------------------------------------------------------

def start(uow, options: dict[str, Any]) -> ImportJob:
    job = ImportJob(status="uploading", created_by=uow.actor_id, **options)
    uow.session.add(job)
    uow.session.flush()
    return job


def get_job(session: Session, job_id: str) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound(f"no import job {job_id}")
    return job


def add_chunk(session: Session, job_id: str, seq: int, data: bytes) -> ImportJob:
    job = get_job(session, job_id)
    if job.status != "uploading":
        raise InvalidTransition(f"import {job_id} is {job.status}, no longer uploading")
    if seq < job.chunks:  # a retried chunk already stored: accept it again, change nothing
        return job
    if seq != job.chunks:
        raise ValidationFailed("chunks arrive in order", {"seq": [f"expected {job.chunks}"]})
    if job.size + len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("the file is too large",
                               {"file": [f"at most {MAX_UPLOAD_BYTES // 2**20} MiB"]})
    session.add(ImportChunk(job_id=job_id, seq=seq, data=data))
    job.chunks += 1
    job.size += len(data)
    job.updated_at = now()
    return job


def finish_upload(session: Session, job_id: str) -> ImportJob:
    """Check that the file can be read at all, count its rows, and queue the job."""
    job = get_job(session, job_id)
    if job.status != "uploading":
        return job
    try:
        job.total = sum(1 for _ in _rows(session, job, start_after=0))
    except (CsvFormatError, MappingError) as exc:
        errors = exc.errors if isinstance(exc, MappingError) else {"file": [str(exc)]}
        session.rollback()
        fail(session, get_job(session, job_id), "the file cannot be imported")
        raise ValidationFailed("the file cannot be imported", errors) from None
    job.status = "queued"
    job.updated_at = now()
    return job


def fail_abandoned_uploads(session: Session) -> int:
    """Jobs whose upload stopped long ago (the client or the gateway went away between two
    chunks): failed, their file forgotten. How many."""
    stale = session.scalars(select(ImportJob).where(
        ImportJob.status == "uploading", ImportJob.updated_at < now() - ABANDONED)
        .limit(100)).all()
    for job in stale:
        fail(session, job, "the upload was never finished")
    return len(stale)


# --- processing -----------------------------------------------------------------------------

def claim(session: Session) -> ImportJob | None:
    """Take the oldest job that is queued or whose runner's lease ran out."""
    moment = now()
    candidate = session.scalar(
        select(ImportJob.id).where(ImportJob.status.in_(("queued", "running")),
                                   or_(ImportJob.lease_until.is_(None),
                                       ImportJob.lease_until < moment))
        .order_by(ImportJob.created_at).limit(1))
    if candidate is None:
        return None
    # Compare-and-set on the lease: of two replicas racing for a job, one wins.
    taken = session.execute(
        update(ImportJob).where(ImportJob.id == candidate,
                                or_(ImportJob.lease_until.is_(None),
                                    ImportJob.lease_until < moment))
        .values(status="running", lease_until=moment + LEASE, updated_at=moment))
    session.commit()
    return session.get(ImportJob, candidate) if taken.rowcount == 1 else None


def run_slice(uow, job: ImportJob, seconds: float = SLICE_SECONDS,
              pause: Callable[[], None] = lambda: None) -> bool:
    """Apply batches until the time is up or the file ends; True when the job is finished.
    `pause` runs between batches, so the caller can let other work run."""
    deadline = time.monotonic() + seconds
    accounts: dict[str, str] = {}
    rows = _rows(uow.session, job, start_after=job.last_line)
    while time.monotonic() < deadline:
        batch = [row for _, row in zip(range(BATCH_ROWS), rows, strict=False)]
        if not batch:
            _finish(uow, job)
            return True
        _apply_batch(uow, job, batch, accounts)
        job.lease_until = now() + LEASE
        uow.commit()
        pause()
    job.lease_until = None  # free for the next slice, on this replica or another
    uow.commit()
    return False


def fail(session: Session, job: ImportJob, message: str) -> None:
    job.status, job.error, job.finished_at, job.lease_until = "failed", message, now(), None
    _forget_file(session, job.id)
    session.commit()


def _finish(uow, job: ImportJob) -> None:
    job.status, job.finished_at, job.lease_until, job.updated_at = "done", now(), None, now()
    _forget_file(uow.session, job.id)
    uow.commit()


def _forget_file(session: Session, job_id: str) -> None:
    # A job that ended needs its file no more, and the file names every person in it: kept,
    # it would hold what an erasure removed everywhere else.
    session.execute(delete(ImportChunk).where(ImportChunk.job_id == job_id))


def _rows(session: Session, job: ImportJob, start_after: int) -> Iterator[Row]:
    chunks = _chunks(session, job)
    if job.format == "vcard":
        for card in parse_vcards(chunks):
            if card.index > start_after:
                yield Row(card.index, card.values, card.error)
        return
    reader = CsvImportReader(chunks, job.mapping, IMPORT_FIELDS, start_after_line=start_after)
    for row in reader:
        yield Row(row.line, row.values, row.error)


def _chunks(session: Session, job: ImportJob) -> Iterator[bytes]:
    # One chunk in memory at a time, whatever the file's size.
    for seq in range(job.chunks):
        yield session.scalar(select(ImportChunk.data).where(ImportChunk.job_id == job.id,
                                                            ImportChunk.seq == seq))


def _apply_batch(uow, job: ImportJob, batch: list[Row], accounts: dict[str, str]) -> None:
    # Replicas running two imports take turns, a batch each: a batch's dedup then sees the
    # contacts and accounts the other's batches committed (the same file imported twice
    # at once skips its known rows instead of making every row twice).
    serialise_on(uow.session, "contacts-import-batch")
    prepared = []
    for row in batch:
        if row.error:
            _row_failed(uow.session, job, row.line, {"_row": [row.error]})
            continue
        try:
            prepared.append((row.line, _contact_input_of(uow, job, row.values, accounts)))
        except ValidationFailed as exc:
            _row_failed(uow.session, job, row.line, exc.errors)
    existing = _existing(uow.session, [values for _, values in prepared])
    created = _Created()
    for line, values in prepared:
        try:
            _apply_row(uow, job, values, _match(existing, values), existing, created)
        except ValidationFailed as exc:
            _row_failed(uow.session, job, line, exc.errors)
    if created.rows and not job.dry_run:
        created.insert(uow.session)
        # One event for the batch's new contacts, not one each: at thousands of rows a
        # second, a message per row costs the broker and every consumer more than the
        # import itself.
        uow.emit("contact.imported", {
            "contacts": [contact_data(row) for row in created.rows.values()],
            "job_id": job.id, "changed_by": job.created_by})
    job.processed += len(batch)
    job.last_line = batch[-1].line
    job.updated_at = now()


class _Created:
    """The contacts a batch creates, inserted together at its end, or earlier when a
    later row of the batch updates one of them."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self._waiting: list[tuple[dict[str, Any], list[dict[str, str]]]] = []

    def add(self, row: dict[str, Any], keys: list[dict[str, str]]) -> None:
        self.rows[row["id"]] = row
        self._waiting.append((row, keys))

    def insert(self, session: Session) -> None:
        insert_contacts(session, [row for row, _ in self._waiting],
                        [key for _, keys in self._waiting for key in keys])
        self._waiting.clear()


def _apply_row(uow, job: ImportJob, values: dict[str, Any], match: str | None,
               existing: dict[str, str], created: _Created) -> None:
    if match is not None and job.dedup == "skip":
        job.skipped += 1
        return
    if match is not None and job.dedup == "update":
        changes = {name: value for name, value in values.items() if value not in (None, "", [])}
        if job.dry_run:  # the checks a real update makes
            current = (Contact(**created.rows[match]) if match in created.rows
                       else uow.session.get(Contact, match))
            contact_values(uow.session, changes, current)
        else:
            created.insert(uow.session)  # the contact updated may be one of the batch's
            update_contact(uow, match, changes, expected_version=None)
        job.updated += 1
        return
    row, keys = contact_rows(uow.session, values)  # the checks a real create makes
    created.add(row, keys)
    job.created += 1
    # Later rows of the same file match this contact too.
    for key in (row["email_normalized"], row["phone"]):
        if key:
            existing[key] = row["id"]


def _contact_input_of(uow, job: ImportJob, raw: dict[str, str],
                      accounts: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for name, value in raw.items():
        if name.startswith("custom_fields."):
            if value != "":
                custom[name.removeprefix("custom_fields.")] = value
        elif name == "tags":
            data["tags"] = [tag.strip() for tag in value.split(",") if tag.strip()]
        elif name != "account" and value != "":
            data[name] = value
    if custom:
        data["custom_fields"] = custom
    if job.owner_id and "owner_id" not in data:
        data["owner_id"] = job.owner_id
    data = load(_contact_input, data)
    if company := raw.get("account", "").strip():
        data["account_id"] = _account_id(uow, job, company, accounts)
    return data


def _account_id(uow, job: ImportJob, name: str, accounts: dict[str, str]) -> str | None:
    if not job.dry_run:
        return find_or_create_account(uow, name, accounts)
    return uow.session.scalar(select(Account.id).where(Account.name == name).limit(1))


def _existing(session: Session, batch: list[dict[str, Any]]) -> dict[str, str]:
    """The ids of live contacts that share a normalised email or phone with a row of the
    batch, by that email or phone."""
    emails, phones = set(), set()
    for values in batch:
        if email := _quietly(normalise_email, values.get("email")):
            emails.add(email)
        if phone := _quietly(normalise_phone, values.get("phone")):
            phones.add(phone)
    found: dict[str, str] = {}
    if emails or phones:
        rows = session.execute(select(Contact.id, Contact.email_normalized, Contact.phone).where(
            Contact.deleted_at.is_(None),
            or_(Contact.email_normalized.in_(emails), Contact.phone.in_(phones))))
        for contact_id, email, phone in rows:
            for key in (email, phone):
                if key:
                    found[key] = contact_id
    return found


def _match(existing: dict[str, str], values: dict[str, Any]) -> str | None:
    for key in (_quietly(normalise_email, values.get("email")),
                _quietly(normalise_phone, values.get("phone"))):
        if key and key in existing:
            return existing[key]
    return None


def _quietly(normalise, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalise(value)
    except ValueError:
        return None


def _row_failed(session: Session, job: ImportJob, line: int, errors: dict[str, Any]) -> None:
    job.failed += 1
    session.add(ImportRowError(job_id=job.id, line=line, errors=errors))


def row_errors(session: Session, job_id: str, limit: int, after_line: int = 0) -> list[dict]:
    rows = session.scalars(select(ImportRowError).where(
        ImportRowError.job_id == job_id, ImportRowError.line > after_line)
        .order_by(ImportRowError.line).limit(limit))
    return [{"line": row.line, "errors": row.errors} for row in rows]
