"""Duplicates of a contact, the whole-base duplicates report, and merging two contacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from contacts.domain import dedup
from contacts.domain.dedup import Fingerprint, find_duplicates, group_duplicates
from contacts.domain.merge import plan_merge
from contacts.exceptions import Gone, NotFound, ValidationFailed
from contacts.models import Account, Consent, Contact, DuplicateKey, MergeRecord, now
from contacts.operations.privacy import consent_history
from contacts.operations.records import (
    check_version,
    contact_data,
    contact_values,
    fingerprint,
    get_contact,
    refresh_derived,
)
from crm_chassis.lazy_begin import prepared
from crm_chassis.records import flush

REPORT_KEYS = 2000


def _fingerprint_query(condition) -> Select:
    return (select(Contact.id, Contact.first_name, Contact.last_name, Contact.email_normalized,
                   Contact.phone, Account.name)
            .outerjoin(Account, Account.id == Contact.account_id)
            .where(condition, Contact.deleted_at.is_(None)))


def _candidates_of_one() -> Select:
    """The fingerprints of the contacts sharing a blocking key with :contact_id.

    A key shared by more than :cap contacts (a switchboard's number, a very common name at
    a large base) is left out, as the report leaves it out: scoring its whole bucket would
    cost its size on every look at the contact, for little."""
    own = select(DuplicateKey.key).where(DuplicateKey.contact_id == bindparam("contact_id"))
    keys = (select(DuplicateKey.key).where(DuplicateKey.key.in_(own))
            .group_by(DuplicateKey.key).having(func.count() <= bindparam("cap")))
    candidate_ids = select(DuplicateKey.contact_id).where(DuplicateKey.key.in_(keys)).distinct()
    return _fingerprint_query(Contact.id.in_(candidate_ids))


# Built once: building it was a third of the time of a contact's duplicates, which every
# 360 view shows.
_CANDIDATES_OF_ONE = prepared(_candidates_of_one())


def duplicates_of(session: Session, contact_id: str) -> list[dict[str, Any]]:
    contact = get_contact(session, contact_id)
    candidates = [Fingerprint(*row) for row in session.execute(
        _CANDIDATES_OF_ONE, {"contact_id": contact_id, "cap": dedup.BUCKET_CAP})]
    # The contact shares its own keys, so it is among the candidates, company and all.
    target = next((c for c in candidates if c.id == contact_id), None) \
        or fingerprint(contact, _company(session, contact.account_id))
    matches = find_duplicates(target, candidates)
    if not matches:
        return []
    found = {c.id: c for c in session.scalars(select(Contact).where(
        Contact.id.in_([m.id for m in matches])))}
    return [{"contact": contact_data(found[m.id]), "score": m.score,
             "reasons": list(m.reasons)} for m in matches]


def duplicates_report(session: Session, limit: int) -> list[list[dict[str, Any]]]:
    """Groups of probable duplicates across the base, found through shared blocking keys."""
    shared = (select(DuplicateKey.key).group_by(DuplicateKey.key)
              .having(func.count() > 1).limit(REPORT_KEYS))
    ids = select(DuplicateKey.contact_id).where(DuplicateKey.key.in_(shared)).distinct()
    groups = group_duplicates(_fingerprints(session, Contact.id.in_(ids)))[:limit]
    wanted = {match.id for group in groups for match in group}
    found = {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(wanted)))}
    return [[{"contact": contact_data(found[m.id]), "score": m.score,
              "reasons": list(m.reasons)} for m in group] for group in groups]


def merge(uow, survivor_id: str, other_id: str, choices: dict[str, str],
          expected_version: int | None) -> Contact:
    """Merge `other` into the survivor: chosen values win, `other` is retired but kept
    (as a merged record pointing at the survivor, with a snapshot of what it was)."""
    session = uow.session
    if survivor_id == other_id:
        raise ValidationFailed("a contact cannot be merged into itself",
                               {"other_id": ["the same contact"]})
    survivor = get_contact(session, survivor_id)
    check_version(survivor, expected_version)
    try:
        other = get_contact(session, other_id)
    except (NotFound, Gone) as exc:  # never made, deleted, merged away already, erased
        raise ValidationFailed("nothing to merge", {"other_id": [exc.message]}) from None
    values, errors = plan_merge(contact_data(survivor), contact_data(other), choices)
    if errors:
        raise ValidationFailed("the merge choices are not valid", {"choices": errors})
    snapshot = {**contact_data(other),
                "consents": [_consent(c) for c in consent_history(session, other_id)]}
    for name, value in contact_values(session, values, survivor).items():
        setattr(survivor, name, value)
    survivor.updated_at = now()
    _retire(session, other, survivor.id)
    session.execute(update(Consent).where(Consent.contact_id == other.id)
                    .values(contact_id=survivor.id))
    session.add(MergeRecord(surviving_id=survivor.id, merged_id=other.id,
                            merged_snapshot=snapshot, choices=choices, merged_by=uow.actor_id))
    session.execute(update(MergeRecord).where(MergeRecord.surviving_id == other.id)
                    .values(surviving_id=survivor.id))
    refresh_derived(session, survivor)
    flush(session)
    uow.emit("contact.merged", {"surviving_id": survivor.id, "merged_id": other.id,
                                "contact": contact_data(survivor), "changed_by": uow.actor_id})
    return survivor


def merge_history(session: Session, contact_id: str) -> list[dict[str, Any]]:
    records = session.scalars(select(MergeRecord).where(MergeRecord.surviving_id == contact_id)
                              .order_by(MergeRecord.merged_at))
    return [{"merged_id": r.merged_id, "merged_at": r.merged_at.isoformat(),
             "merged_by": r.merged_by, "choices": r.choices, "snapshot": r.merged_snapshot}
            for r in records]


def _retire(session: Session, other: Contact, survivor_id: str) -> None:
    other.merged_into_id = survivor_id
    other.deleted_at = other.updated_at = now()
    session.execute(delete(DuplicateKey).where(DuplicateKey.contact_id == other.id))
    # Contacts merged into `other` earlier now point at the final survivor.
    session.execute(update(Contact).where(Contact.merged_into_id == other.id)
                    .values(merged_into_id=survivor_id))


def _consent(consent: Consent) -> dict[str, Any]:
    return {"channel": consent.channel, "status": consent.status, "source": consent.source,
            "recorded_at": consent.recorded_at.isoformat()}


def _fingerprints(session: Session, condition) -> list[Fingerprint]:
    return [Fingerprint(*row) for row in session.execute(_fingerprint_query(condition))]


def _company(session: Session, account_id: str | None) -> str | None:
    if not account_id:
        return None
    return session.scalar(select(Account.name).where(Account.id == account_id))
