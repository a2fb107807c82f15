"""Idempotency-Key on POST: the first answer is kept and replayed to a retry of the same
request, for `idempotency_hours` (24 by default, as payment APIs do); after that the key
is free again. An answer holds what the write returned, a person's name and address among
it, so an erasure forgets every kept answer that names the erased contacts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from flask import Response, current_app, g, request
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from gateway.db import db
from gateway.errors import Problem
from gateway.models import IdempotencyRecord, now


def _principal_key() -> str:
    principal = g.principal
    return f"{principal.kind}:{principal.id}"


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _oldest_kept():
    return now() - timedelta(hours=current_app.config["CRM"].idempotency_hours)


def replay_or_reserve(key: str):
    """The kept answer to this key, or None once the key is reserved for this request."""
    if len(key) > 200:
        raise Problem(400, "Bad request", "the Idempotency-Key is longer than 200 characters")
    session = db()
    fingerprint = _fingerprint()
    # Expired answers go first (an indexed range, usually empty): the key is free again.
    session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.created_at < _oldest_kept()))
    session.commit()
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.principal == _principal_key(), IdempotencyRecord.key == key))
    if record is None:
        session.add(IdempotencyRecord(principal=_principal_key(), key=key,
                                      fingerprint=fingerprint))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise Problem(409, "Conflict", "a request with this Idempotency-Key is in "
                          "progress") from None
        g.idempotency_key = key
        return None
    if record.fingerprint != fingerprint:
        raise Problem(422, "Idempotency key reused",
                      "this Idempotency-Key was used for a different request")
    if record.status is None:
        raise Problem(409, "Conflict", "a request with this Idempotency-Key is in progress",
                      headers={"Retry-After": "1"})
    response = Response(record.body, status=record.status, headers=record.headers)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(response: Response) -> None:
    """Keep the answer under the key this request reserved (a failure frees the key)."""
    key = g.pop("idempotency_key", None)
    if key is None:
        return
    session = db()
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.principal == _principal_key(), IdempotencyRecord.key == key))
    if record is None:
        return
    if response.status_code >= 500 or response.is_streamed:
        session.delete(record)  # a failed attempt may be retried with the same key
    else:
        record.status = response.status_code
        record.body = response.get_data(as_text=True)
        record.headers = {name: value for name, value in response.headers.items()
                          if name in {"Content-Type", "Location", "ETag"}}
    session.commit()


def forget_answers_naming(record_ids: Iterable[str]) -> None:
    """Drop every kept answer that names one of these records (by id, as every answer
    about a record does): after an erasure, a retry must not give the person back."""
    ids = [record_id for record_id in record_ids if record_id]
    if not ids:
        return
    session = db()
    session.execute(delete(IdempotencyRecord).where(or_(*(
        IdempotencyRecord.body.contains(record_id, autoescape=True) for record_id in ids))))
    session.commit()
