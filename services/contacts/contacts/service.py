"""The contacts service's entrypoints: validate, call the use case, commit, dump."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import eventlet
from nameko.timer import timer

from contacts import schemas
from contacts.domain.vcard import contact_to_vcard
from contacts.exceptions import ValidationFailed
from contacts.operations import (
    customer,
    duplicates,
    fields,
    imports,
    listing,
    privacy,
    records,
)
from contacts.schemas import load
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import EventLog, rpc
from crm_chassis.observability import Observability

_account_in = schemas.AccountInput()
_contact_in = schemas.ContactInput()
_list_in = schemas.ListQuery()
_consent_in = schemas.ConsentInput()
_consent_out = schemas.ConsentOutput()
_field_in = schemas.CustomFieldInput()
_field_out = schemas.CustomFieldOutput()
_merge_in = schemas.MergeInput()
_import_in = schemas.ImportOptions()
_job_out = schemas.ImportJobOutput()

IMPORT_TICK_SECONDS = 5.0


class ContactsService(EventLog):
    name = "contacts"

    db = Database("contacts")
    observability = Observability("contacts")

    # --- accounts ---------------------------------------------------------------------------

    @rpc
    def create_account(self, data: dict[str, Any]) -> dict[str, Any]:
        account = records.create_account(self.db, load(_account_in, data))
        self.db.commit()
        return records.account_data(account)

    @rpc
    def get_account(self, account_id: str) -> dict[str, Any]:
        return records.account_data(records.get_account(self.db.session, account_id))

    @rpc
    def update_account(self, account_id: str, data: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        account = records.update_account(self.db, account_id,
                                         load(_account_in, data, partial=True),
                                         expected_version)
        self.db.commit()
        return records.account_data(account)

    @rpc
    def delete_account(self, account_id: str, expected_version: int | None = None) -> None:
        records.delete_account(self.db, account_id, expected_version)
        self.db.commit()

    @rpc
    def list_accounts(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        rows, cursor = listing.list_accounts(self.db.session, load(_list_in, query or {}))
        return {"items": [records.account_data(row) for row in rows], "next_cursor": cursor}

    # --- contacts ---------------------------------------------------------------------------

    @rpc
    def create_contact(self, data: dict[str, Any]) -> dict[str, Any]:
        contact = records.create_contact(self.db, load(_contact_in, data))
        self.db.commit()
        return records.contact_data(contact)

    @rpc
    def find_or_create_contact(self, data: dict[str, Any]) -> dict[str, Any]:
        """The contact with `data`'s email, else a new one from `data`: `{contact, created}`.
        Callers that match people by address (inbound mail, web forms) use this instead of
        a search then a create, which made one contact per request arriving together."""
        contact, created = records.find_or_create_contact(self.db, load(_contact_in, data))
        self.db.commit()
        return {"contact": records.contact_data(contact), "created": created}

    @rpc
    def get_contact(self, contact_id: str) -> dict[str, Any]:
        return records.contact_data(records.get_contact(self.db.session, contact_id))

    @rpc
    def update_contact(self, contact_id: str, data: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        contact = records.update_contact(self.db, contact_id,
                                         load(_contact_in, data, partial=True),
                                         expected_version)
        self.db.commit()
        return records.contact_data(contact)

    @rpc
    def delete_contact(self, contact_id: str, expected_version: int | None = None) -> None:
        records.delete_contact(self.db, contact_id, expected_version)
        self.db.commit()

    @rpc
    def list_contacts(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        rows, cursor = listing.list_contacts(self.db.session, load(_list_in, query or {}))
        return {"items": [records.contact_data(row) for row in rows], "next_cursor": cursor}

    @rpc
    def export_contacts(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        """A page of contacts with their account's name, for CSV export."""
        rows, cursor = listing.list_contacts(self.db.session, load(_list_in, query or {}))
        names = records.account_names(self.db.session, {r.account_id for r in rows
                                                         if r.account_id})
        items = [{**records.contact_data(row), "account": names.get(row.account_id)}
                 for row in rows]
        return {"items": items, "next_cursor": cursor}

    @rpc
    def contact_vcard(self, contact_id: str) -> str:
        contact = records.get_contact(self.db.session, contact_id)
        names = records.account_names(self.db.session, {contact.account_id} - {None})
        return contact_to_vcard(records.contact_data(contact), names.get(contact.account_id))

    @rpc
    def contact_360(self, contact_id: str) -> dict[str, Any]:
        """The contacts service's share of the unified view, in one call."""
        return customer.contact_view(self.db.session, contact_id)

    @rpc
    def account_360(self, account_id: str) -> dict[str, Any]:
        account = records.get_account(self.db.session, account_id)
        query = load(_list_in, {"filters": {"account_id": account_id}, "limit": 100})
        people, cursor = listing.list_contacts(self.db.session, query)
        return {"account": records.account_data(account),
                "contacts": {"items": [records.contact_data(p) for p in people],
                             "next_cursor": cursor}}

    # --- custom fields ----------------------------------------------------------------------

    @rpc
    def list_custom_fields(self, obj: str | None = None) -> list[dict[str, Any]]:
        return _field_out.dump(fields.list_definitions(self.db.session, obj), many=True)

    @rpc
    def create_custom_field(self, data: dict[str, Any]) -> dict[str, Any]:
        row = fields.create_definition(self.db.session, load(_field_in, data))
        self.db.commit()
        return _field_out.dump(row)

    @rpc
    def delete_custom_field(self, definition_id: str) -> None:
        fields.delete_definition(self.db.session, definition_id)
        self.db.commit()

    # --- consent and GDPR -------------------------------------------------------------------

    @rpc
    def record_consent(self, contact_id: str, data: dict[str, Any]) -> dict[str, Any]:
        consent = privacy.record_consent(self.db, contact_id, load(_consent_in, data))
        self.db.commit()
        return _consent_out.dump(consent)

    @rpc
    def list_consents(self, contact_id: str) -> dict[str, Any]:
        records.get_contact(self.db.session, contact_id)
        return privacy.consents(self.db.session, contact_id)

    @rpc
    def gdpr_export(self, contact_id: str) -> dict[str, Any]:
        return privacy.gdpr_export(self.db.session, contact_id)

    @rpc
    def erase_contact(self, contact_id: str) -> dict[str, Any]:
        contact, *merged = privacy.erase_contact(self.db, contact_id)
        self.db.commit()
        return {"id": contact.id, "erased_at": contact.erased_at.isoformat(),
                "merged_ids": [record.id for record in merged]}

    # --- duplicates and merge ---------------------------------------------------------------

    @rpc
    def find_duplicates(self, contact_id: str) -> list[dict[str, Any]]:
        return duplicates.duplicates_of(self.db.session, contact_id)

    @rpc
    def duplicates_report(self, limit: int = 100) -> list[list[dict[str, Any]]]:
        return duplicates.duplicates_report(self.db.session, max(1, min(int(limit), 1000)))

    @rpc
    def merge_contacts(self, contact_id: str, data: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        request = load(_merge_in, data)
        survivor = duplicates.merge(self.db, contact_id, request["other_id"],
                                    request["choices"], expected_version)
        self.db.commit()
        return records.contact_data(survivor)

    @rpc
    def merge_history(self, contact_id: str) -> list[dict[str, Any]]:
        return duplicates.merge_history(self.db.session, contact_id)

    # --- import -----------------------------------------------------------------------------

    @rpc
    def start_import(self, options: dict[str, Any]) -> dict[str, Any]:
        job = imports.start(self.db, load(_import_in, options))
        self.db.commit()
        return _job_out.dump(job)

    @rpc
    def add_import_chunk(self, job_id: str, seq: int, data_b64: str) -> dict[str, Any]:
        try:
            data = base64.b64decode(data_b64, validate=True)
        except (binascii.Error, TypeError):
            raise ValidationFailed("a chunk is base64", {"data": ["not base64"]}) from None
        job = imports.add_chunk(self.db.session, job_id, int(seq), data)
        self.db.commit()
        return _job_out.dump(job)

    @rpc
    def finish_import_upload(self, job_id: str) -> dict[str, Any]:
        job = imports.finish_upload(self.db.session, job_id)
        self.db.commit()
        return _job_out.dump(job)

    @rpc
    def get_import_job(self, job_id: str, errors_limit: int = 100,
                       errors_after_line: int = 0) -> dict[str, Any]:
        job = imports.get_job(self.db.session, job_id)
        errors = imports.row_errors(self.db.session, job_id, max(0, min(int(errors_limit),
                                                                        10000)),
                                    int(errors_after_line))
        return {**_job_out.dump(job), "errors": errors}

    @timer(interval=1)
    def run_imports(self) -> None:
        """Work on a queued import for a few seconds, yielding between batches to keep the
        service responsive and its broker heartbeats flowing."""
        imports.fail_abandoned_uploads(self.db.session)
        job = imports.claim(self.db.session)
        if job is None:
            return
        try:
            imports.run_slice(self.db, job, seconds=IMPORT_TICK_SECONDS,
                              pause=lambda: eventlet.sleep(0))
        except Exception as exc:  # a job must end, never stay running forever
            self.db.rollback()
            imports.fail(self.db.session, imports.get_job(self.db.session, job.id),
                         f"the import stopped: {exc}")
            raise
