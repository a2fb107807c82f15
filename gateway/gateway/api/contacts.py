"""Contacts: records, search, duplicates and merge, consent, GDPR, import and export."""

from __future__ import annotations

import base64
import csv
import io
import json

from flask import Response, g, request, stream_with_context
from marshmallow import RAISE

from gateway import compose, idempotency, services
from gateway.api.blueprint import Blueprint
from gateway.api.reporting_schemas import AsOfArgs
from gateway.api.schemas import (
    CONTACT_FILTERS,
    ConsentIn,
    ContactFilters,
    ContactIn,
    ContactOut,
    ContactPatch,
    ImportForm,
    MergeIn,
)
from gateway.errors import Problem
from gateway.http import expected_version, list_query, page_schema, with_etag
from gateway.permissions import requires

blp = Blueprint("contacts", __name__, url_prefix="/api/v1/contacts", description="Contacts")
ContactPage = page_schema(ContactOut, "ContactPage")

UPLOAD_CHUNK = 512 * 1024
IMPORT_RPC_TIMEOUT = 120.0
EXPORT_PAGE = 500
EXPORT_COLUMNS = ("id", "first_name", "last_name", "email", "phone", "title", "account",
                  "account_id", "owner_id", "lifecycle_stage", "source", "tags",
                  "address_line", "city", "postal_code", "country", "created_at",
                  "updated_at")


@blp.route("", methods=["GET"])
@requires("contacts:read")
@blp.arguments(ContactFilters, location="query")
@blp.response(200, ContactPage)
def list_contacts(args):
    """Contacts, newest first. `q` searches names, emails and company names; filters by
    any standard field; `sort` is a field, with `-` for descending."""
    return services.call("contacts", "list_contacts", list_query(args, CONTACT_FILTERS))


@blp.route("", methods=["POST"])
@requires("contacts:write")
@blp.arguments(ContactIn)
@blp.response(201, ContactOut)
def create_contact(data):
    contact = services.call("contacts", "create_contact", data)
    g.resource_id = contact["id"]
    return with_etag(contact, 201, f"/api/v1/contacts/{contact['id']}")


@blp.route("/<item_id>", methods=["GET"])
@requires("contacts:read")
@blp.response(200, ContactOut)
def get_contact(item_id):
    return with_etag(services.call("contacts", "get_contact", item_id))


@blp.route("/<item_id>", methods=["PATCH"])
@requires("contacts:write")
@blp.arguments(ContactPatch)
@blp.response(200, ContactOut)
def update_contact(data, item_id):
    """Change some fields; send If-Match with the ETag you read to avoid lost updates."""
    return with_etag(services.call("contacts", "update_contact", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>", methods=["DELETE"])
@requires("contacts:write")
@blp.response(204)
def delete_contact(item_id):
    services.call("contacts", "delete_contact", item_id, expected_version())


@blp.route("/<item_id>/360", methods=["GET"])
@requires("contacts:read")
@blp.arguments(AsOfArgs, location="query", unknown=RAISE)
@blp.response(200)
def contact_360(args, item_id):
    """Everything about a contact, composed from every service at once; a part that did
    not answer in time is `null` and named in `missing`. With `as_of`, the contact as the
    platform knew it then (422 naming `as_of` before it existed or in the future)."""
    if "as_of" in args:
        return compose.as_of("contact", item_id, args["as_of"])
    return compose.compose(compose.contact_parts(item_id))


# --- duplicates and merge -------------------------------------------------------------------

@blp.route("/duplicates", methods=["GET"])
@requires("contacts:read")
@blp.response(200)
def duplicates_report():
    """Groups of probable duplicates across all contacts, most certain first."""
    limit = request.args.get("limit", "100")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise Problem(422, "Invalid input", errors={"limit": ["between 1 and 1000"]})
    groups = services.call("contacts", "duplicates_report", int(limit), timeout=30)
    return {"items": groups, "next_cursor": None}


@blp.route("/<item_id>/duplicates", methods=["GET"])
@requires("contacts:read")
@blp.response(200)
def contact_duplicates(item_id):
    """Probable duplicates of this contact, with a score and the reasons."""
    return {"items": services.call("contacts", "find_duplicates", item_id),
            "next_cursor": None}


@blp.route("/<item_id>/merge", methods=["POST"])
@requires("contacts:merge")
@blp.arguments(MergeIn)
@blp.response(200, ContactOut)
def merge_contact(data, item_id):
    """Merge `other_id` into this contact, choosing field by field whose value to keep."""
    return with_etag(services.call("contacts", "merge_contacts", item_id, data,
                                   expected_version()))


@blp.route("/<item_id>/merges", methods=["GET"])
@requires("contacts:read")
@blp.response(200)
def merge_history(item_id):
    """Contacts merged into this one, each as it was before the merge."""
    return {"items": services.call("contacts", "merge_history", item_id), "next_cursor": None}


# --- consent and GDPR -----------------------------------------------------------------------

@blp.route("/<item_id>/consents", methods=["GET"])
@requires("contacts:read")
@blp.response(200)
def consents(item_id):
    """The current consent per channel and every decision before it."""
    return services.call("contacts", "list_consents", item_id)


@blp.route("/<item_id>/consents", methods=["POST"])
@requires("consent:write")
@blp.arguments(ConsentIn)
@blp.response(201)
def record_consent(data, item_id):
    return services.call("contacts", "record_consent", item_id, data), 201


@blp.route("/<item_id>/gdpr-export", methods=["GET"])
@requires("gdpr:export")
@blp.response(200)
def gdpr_export(item_id):
    """Everything the platform holds about this person (subject access request), as one
    JSON document: the contact record with its consents, merges and events, then what the
    sales, support and marketing services hold. A contact merged away answers 410 naming
    the one that holds the person now."""
    body = compose.personal_data(item_id)
    response = Response(json.dumps(body, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="contact-{item_id}.json"'
    return response


@blp.route("/<item_id>/erase", methods=["POST"])
@requires("gdpr:erase")
@blp.response(200)
def erase(item_id):
    """Anonymise this person everywhere (GDPR erasure): this contact, deleted or not, and
    the contacts merged into it. A contact merged away answers 410 naming the one to erase.
    It cannot be undone."""
    erased = services.call("contacts", "erase_contact", item_id)
    idempotency.forget_answers_naming([erased["id"], *erased["merged_ids"]])
    return erased


# --- vCard and CSV --------------------------------------------------------------------------

@blp.route("/<item_id>/vcard", methods=["GET"])
@requires("contacts:read")
@blp.response(200, content_type="text/vcard")
def vcard(item_id):
    text = services.call("contacts", "contact_vcard", item_id)
    return Response(text, mimetype="text/vcard", headers={
        "Content-Disposition": f'attachment; filename="contact-{item_id}.vcf"'})


@blp.route("/export.csv", methods=["GET"])
@requires("contacts:export")
@blp.arguments(ContactFilters, location="query")
@blp.response(200, content_type="text/csv")
def export_csv(args):
    """Every contact that matches the filters, as CSV, streamed page by page."""
    query = {**list_query(args, CONTACT_FILTERS), "limit": EXPORT_PAGE}
    custom_keys = [field["key"] for field in
                   services.call("contacts", "list_custom_fields", "contact")]
    # The first page is asked for before the response starts: a filter the service refuses,
    # or a service that is away, is then a problem+json answer, not a broken stream.
    first = services.call("contacts", "export_contacts", {**query, "cursor": None})

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([*EXPORT_COLUMNS, *(f"custom.{key}" for key in custom_keys)])
        page = first
        while True:
            for item in page["items"]:
                writer.writerow([_cell(item, column) for column in EXPORT_COLUMNS] +
                                [item["custom_fields"].get(key, "") for key in custom_keys])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if page["next_cursor"] is None:
                return
            page = services.call("contacts", "export_contacts",
                                 {**query, "cursor": page["next_cursor"]})

    return Response(stream_with_context(rows()), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="contacts.csv"'})


def _cell(item: dict, column: str) -> str:
    value = item.get(column)
    if column == "tags":
        return ",".join(value or [])
    return "" if value is None else str(value)


# --- import ---------------------------------------------------------------------------------

@blp.route("/import", methods=["POST"])
@requires("contacts:import")
@blp.arguments(ImportForm, location="form")
@blp.response(202)
def import_contacts(form):
    """Import contacts from a CSV or vCard file (multipart field `file`).

    `mapping` maps column headers to fields (`account` takes a company name, found or
    created); `dedup` says what to do with a row whose email or phone exists: skip it,
    update the contact, or create another; `dry_run` checks everything and writes nothing.
    Answers 202 with the job; follow it at the `Location`."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Problem(422, "Invalid input", "send the file in the multipart field `file`",
                      errors={"file": ["missing"]})
    options = {"dedup": form["dedup"], "dry_run": form["dry_run"],
               "filename": upload.filename[:300], "mapping": _mapping(form.get("mapping")),
               "format": form.get("format") or _format_of(upload.filename),
               "owner_id": g.principal.id if g.principal.kind == "user" else None}
    job = services.call("contacts", "start_import", options)
    seq = 0
    while chunk := upload.stream.read(UPLOAD_CHUNK):
        services.call("contacts", "add_import_chunk", job["id"], seq,
                      base64.b64encode(chunk).decode(), timeout=30)
        seq += 1
    if seq == 0:
        raise Problem(422, "Invalid input", "the file is empty", errors={"file": ["empty"]})
    job = services.call("contacts", "finish_import_upload", job["id"],
                        timeout=IMPORT_RPC_TIMEOUT)
    g.resource_id = job["id"]
    response = with_etag(job, 202, f"/api/v1/contacts/import/{job['id']}")
    return response


@blp.route("/import/<item_id>", methods=["GET"])
@requires("contacts:import")
@blp.response(200)
def import_job(item_id):
    """An import's progress: `status` ends `done` or `failed`; `errors` per row."""
    limit = request.args.get("errors_limit", "100")
    limit = int(limit) if limit.isdigit() else 100
    return services.call("contacts", "get_import_job", item_id, limit)


def _mapping(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        mapping = json.loads(raw)
    except ValueError:
        raise Problem(422, "Invalid input", errors={"mapping": ["not valid JSON"]}) from None
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in mapping.items()):
        raise Problem(422, "Invalid input",
                      errors={"mapping": ["a JSON object of column header -> field name"]})
    return mapping


def _format_of(filename: str) -> str:
    return "vcard" if filename.lower().endswith((".vcf", ".vcard")) else "csv"
