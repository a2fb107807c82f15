"""Accounts and contacts: create, read, update, soft delete, each with its event."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contacts.domain.dedup import Fingerprint, blocking_keys
from contacts.domain.normalise import company_key, normalise_email, normalise_phone
from contacts.domain.search import search_text
from contacts.exceptions import Gone, NotFound, ValidationFailed
from contacts.models import Account, Contact, DuplicateKey, new_id, now
from contacts.operations.fields import clean_values
from contacts.schemas import AccountOutput, ContactOutput
from crm_chassis.bulk import insert_rows
from crm_chassis.db import serialise_on
from crm_chassis.records import apply, check_version, flush
from crm_contracts.compiled import schema_dumper

ACCOUNT_FIELDS = ("name", "domain", "industry", "tier", "size", "owner_id", "phone", "website",
                  "address_line", "city", "postal_code", "country")
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "title", "account_id",
                  "owner_id", "lifecycle_stage", "source", "tags", "address_line", "city",
                  "postal_code", "country")

# The columns of a new contact that its data may leave unset.
_NEW_CONTACT = {**dict.fromkeys((*CONTACT_FIELDS, "email_normalized", "custom_fields")),
                "version": 1, "deleted_at": None, "merged_into_id": None, "erased_at": None}

# Session cache of account names (see _live_account_name).
ACCOUNT_NAMES = "crm.account_names"

_account_out = AccountOutput()
# Compiled for the rows of an import's batch, marshmallow's dump for records.
_dump_contact = schema_dumper(ContactOutput())


def account_data(account: Account) -> dict[str, Any]:
    return _account_out.dump(account)


def contact_data(contact: Contact | dict[str, Any]) -> dict[str, Any]:
    """A contact as events carry it, from its record or from a row made by `contact_rows`."""
    return _dump_contact(contact)


# --- accounts -------------------------------------------------------------------------------

def get_account(session: Session, account_id: str) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.deleted_at is not None:
        raise NotFound(f"no account {account_id}")
    return account


def create_account(uow, data: dict[str, Any]) -> Account:
    values = _account_values(uow.session, data)
    account = Account(**values)
    uow.session.add(account)
    uow.session.info.pop(ACCOUNT_NAMES, None)
    flush(uow.session)
    uow.emit("account.created", {"account": account_data(account), "changed_by": uow.actor_id})
    return account


def update_account(uow, account_id: str, data: dict[str, Any],
                   expected_version: int | None) -> Account:
    account = get_account(uow.session, account_id)
    check_version(account, expected_version)
    values = _account_values(uow.session, data, account)
    changed = _apply(account, values)
    uow.session.info.pop(ACCOUNT_NAMES, None)
    if changed:
        flush(uow.session)
        uow.emit("account.updated", {"account": account_data(account),
                                     "changed_fields": changed, "changed_by": uow.actor_id})
    return account


def delete_account(uow, account_id: str, expected_version: int | None) -> Account:
    account = get_account(uow.session, account_id)
    check_version(account, expected_version)
    account.deleted_at = now()
    account.updated_at = now()
    uow.session.info.pop(ACCOUNT_NAMES, None)
    flush(uow.session)
    uow.emit("account.deleted", {"account_id": account.id, "changed_by": uow.actor_id})
    return account


def find_or_create_account(uow, name: str, cache: dict[str, str] | None = None) -> str:
    """The id of the live account with this name (ignoring case and legal form), made if new."""
    key = company_key(name) or name.strip().lower()
    if cache is not None and key in cache:
        return cache[key]
    account_id = uow.session.scalar(select(Account.id).where(
        Account.name_key == key, Account.deleted_at.is_(None)).limit(1))
    if account_id is None:
        account_id = create_account(uow, {"name": name.strip()}).id
    if cache is not None:
        cache[key] = account_id
    return account_id


def _account_values(session: Session, data: dict[str, Any],
                    current: Account | None = None) -> dict[str, Any]:
    values = {name: data[name] for name in ACCOUNT_FIELDS if name in data}
    errors: dict[str, list[str]] = {}
    if "name" in values:
        values["name_key"] = company_key(values["name"]) or values["name"].strip().lower()
    if values.get("domain"):
        values["domain"] = values["domain"].strip().lower()
    _check_phone(values, errors)
    _check_custom_fields(session, "account", data, current, values, errors)
    if errors:
        raise ValidationFailed("the account is not valid", errors)
    return values


# --- contacts -------------------------------------------------------------------------------

def get_contact(session: Session, contact_id: str, *, deleted: bool = False) -> Contact:
    """A live contact (or a soft-deleted one too, with `deleted`: it still holds the data a
    GDPR request is about). One merged away or erased is Gone (410), saying which or where
    the person is now, so a link kept from before the merge leads somewhere; one deleted or
    never made is NotFound."""
    contact = session.get(Contact, contact_id)
    if contact is not None and contact.merged_into_id is not None:
        raise Gone(f"contact {contact_id} was merged into {contact.merged_into_id}")
    if contact is not None and contact.erased_at is not None:
        raise Gone(f"contact {contact_id} was erased")
    if contact is None or (contact.deleted_at is not None and not deleted):
        raise NotFound(f"no contact {contact_id}")
    return contact


def create_contact(uow, data: dict[str, Any]) -> dict[str, Any]:
    """A new contact, checked, with its search text and blocking keys, and its event: the
    row as stored (`contact_data` reads it as it reads a record). Written by the import's
    bulk insert rather than through the ORM: a third of a create's CPU was the ORM's
    unit of work for the contact and its keys."""
    row, keys = contact_rows(uow.session, data)
    insert_contacts(uow.session, [row], keys)
    uow.emit("contact.created", {"contact": contact_data(row), "changed_by": uow.actor_id})
    return row


def contact_rows(session: Session, data: dict[str, Any]
                 ) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The row of a new contact, checked and with its search text, and the rows of its
    blocking keys: every column set, so that rows of many contacts can be inserted in one
    statement."""
    moment = now()
    row = {**_NEW_CONTACT, "id": new_id(), "created_at": moment, "updated_at": moment,
           **contact_values(session, data)}
    row["tags"], row["custom_fields"] = row["tags"] or [], row["custom_fields"] or {}
    company = _live_account_name(session, row["account_id"])
    row["search_text"] = search_text(row["first_name"], row["last_name"], row["email"], company)
    keys = blocking_keys(Fingerprint(
        id=row["id"], first_name=row["first_name"], last_name=row["last_name"],
        email=row["email_normalized"], phone=row["phone"], company=company))
    return row, [{"contact_id": row["id"], "key": key} for key in keys]


def insert_contacts(session: Session, rows: list[dict[str, Any]],
                    keys: list[dict[str, str]]) -> None:
    """Rows made by `contact_rows`, in one statement for the contacts and one for their
    keys (an import's batch, or a single create)."""
    insert_rows(session, Contact, rows)
    insert_rows(session, DuplicateKey, keys)


def find_or_create_contact(uow, data: dict[str, Any]) -> tuple[Contact | dict[str, Any], bool]:
    """The live contact with this email (the oldest, should there be several), else a new
    one from `data`, and whether it is new: one contact per address however many callers
    ask at once (the same new sender's mails and form submissions arriving together)."""
    errors: dict[str, list[str]] = {}
    _, email = _email(data.get("email"), errors)
    if email is None:
        raise ValidationFailed("the contact is not valid",
                               errors or {"email": ["an address is needed to find a contact"]})
    serialise_on(uow.session, f"contact-email:{email}")
    found = uow.session.scalar(select(Contact).where(
        Contact.email_normalized == email, Contact.deleted_at.is_(None))
        .order_by(Contact.created_at, Contact.id).limit(1))
    if found is not None:
        return found, False
    return create_contact(uow, data), True


def update_contact(uow, contact_id: str, data: dict[str, Any],
                   expected_version: int | None) -> Contact:
    contact = get_contact(uow.session, contact_id)
    check_version(contact, expected_version)
    values = contact_values(uow.session, data, contact)
    changed = _apply(contact, values)
    if changed:
        refresh_derived(uow.session, contact)
        flush(uow.session)
        uow.emit("contact.updated", {"contact": contact_data(contact),
                                     "changed_fields": changed, "changed_by": uow.actor_id})
    return contact


def delete_contact(uow, contact_id: str, expected_version: int | None) -> Contact:
    contact = get_contact(uow.session, contact_id)
    check_version(contact, expected_version)
    contact.deleted_at = now()
    contact.updated_at = now()
    flush(uow.session)  # the contact first: a concurrent change is StaleVersion here
    uow.session.execute(delete(DuplicateKey).where(DuplicateKey.contact_id == contact.id))
    uow.emit("contact.deleted", {"contact_id": contact.id, "changed_by": uow.actor_id})
    return contact


def contact_values(session: Session, data: dict[str, Any],
                   current: Contact | None = None) -> dict[str, Any]:
    """Normalised column values for a write, or ValidationFailed naming each bad field."""
    values = {name: data[name] for name in CONTACT_FIELDS if name in data}
    errors: dict[str, list[str]] = {}
    for name in ("first_name", "last_name", "title"):
        if isinstance(values.get(name), str):
            values[name] = " ".join(values[name].split()) or None
    if "email" in values:
        values["email"], values["email_normalized"] = _email(values["email"], errors)
    _check_phone(values, errors)
    if values.get("account_id") and _live_account_name(session, values["account_id"]) is None:
        errors["account_id"] = [f"no account {values['account_id']}"]
    if "tags" in values:
        values["tags"] = list(dict.fromkeys(tag.strip() for tag in values["tags"] or []
                                            if tag.strip()))
    _check_custom_fields(session, "contact", data, current, values, errors)
    if errors:
        raise ValidationFailed("the contact is not valid", errors)
    return values


def _check_phone(values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if values.get("phone"):
        try:
            values["phone"] = normalise_phone(values["phone"])
        except ValueError as exc:
            errors["phone"] = [str(exc)]


def _check_custom_fields(session: Session, obj: str, data: dict[str, Any],
                         current: Account | Contact | None, values: dict[str, Any],
                         errors: dict[str, list[str]]) -> None:
    """Custom values are checked on every write, against today's definitions; a new record
    is checked even without any, so that required fields are enforced."""
    if "custom_fields" not in data and current is not None:
        return
    try:
        values["custom_fields"] = clean_values(session, obj, data.get("custom_fields"),
                                               current.custom_fields if current else None)
    except ValidationFailed as exc:
        errors.update(exc.errors)


def _email(value: str | None, errors: dict[str, list[str]]) -> tuple[str | None, str | None]:
    if not value or not value.strip():
        return None, None
    try:
        normalised = normalise_email(value.strip())
    except ValueError as exc:
        errors["email"] = [str(exc)]
        return value, None
    return normalised, normalised


def refresh_derived(session: Session, contact: Contact) -> None:
    """Recompute what search and dedup read after a change: the search text and the
    blocking keys."""
    # No autoflush: a flush in the middle would bump the contact's version twice.
    with session.no_autoflush:
        company = _live_account_name(session, contact.account_id)
    contact.search_text = search_text(contact.first_name, contact.last_name, contact.email,
                                      company)
    flush(session)  # the contact first: a concurrent change is StaleVersion here
    session.execute(delete(DuplicateKey).where(DuplicateKey.contact_id == contact.id))
    keys = blocking_keys(fingerprint(contact, company))
    session.add_all(DuplicateKey(contact_id=contact.id, key=key) for key in keys)


def fingerprint(contact: Contact, company: str | None) -> Fingerprint:
    return Fingerprint(id=contact.id, first_name=contact.first_name,
                       last_name=contact.last_name, email=contact.email_normalized,
                       phone=contact.phone, company=company)


def _live_account_name(session: Session, account_id: str | None) -> str | None:
    """The name of a live account, remembered for the session (an import asks for the same
    few accounts on every row); account writes in the session forget it."""
    if not account_id:
        return None
    names = session.info.setdefault(ACCOUNT_NAMES, {})
    if account_id not in names:
        names[account_id] = session.scalar(select(Account.name).where(
            Account.id == account_id, Account.deleted_at.is_(None)))
    return names[account_id]


def _apply(record: Account | Contact, values: dict[str, Any]) -> list[str]:
    """The changed fields a caller set, without those derived from them."""
    return [name for name in apply(record, values)
            if name not in {"email_normalized", "name_key", "search_text"}]


def account_names(session: Session, account_ids: set[str]) -> dict[str, str]:
    if not account_ids:
        return {}
    return dict(session.execute(select(Account.id, Account.name)
                                .where(Account.id.in_(account_ids))).all())
