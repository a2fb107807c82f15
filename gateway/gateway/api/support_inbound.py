"""Inbound email: a mail gateway POSTs each raw RFC 5322 message it receives, and the
support service turns it into a ticket or a reply on one."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

from flask import current_app, g, request

from gateway import services
from gateway.api.blueprint import Blueprint
from gateway.api.support_schemas import InboundEmailOut
from gateway.errors import Problem, from_remote
from gateway.permissions import INBOUND_EMAIL, requires
from gateway.pipeline import MULTIPART_MARGIN
from gateway.rpc import RemoteError

blp = Blueprint("inbound", __name__, url_prefix="/api/v1/inbound",
                description="Inbound email from mail gateways")
RAW_TYPES = {"message/rfc822", "text/plain", "application/octet-stream"}
INBOUND_TIMEOUT = 30.0  # the service may create the sender in the contacts service first


@blp.route("/email", methods=["POST"])
@requires(INBOUND_EMAIL)
@blp.doc(requestBody={"required": True, "content": {
    "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["message"],
                                       "properties": {"message": {"type": "string",
                                                                  "format": "binary"}}}}}})
@blp.response(201, InboundEmailOut)
@blp.alt_response(200, schema=InboundEmailOut,
                  description="a reply on an existing ticket, or a message seen before")
def receive_email():
    """One raw RFC 5322 message, as a mail gateway POSTs it: the body as
    `message/rfc822`, or the multipart field `message`. Needs an API key with the
    `inbound_email:write` scope. A reply (by In-Reply-To, References or a `[T-1042]` tag
    in the subject) is added to its ticket; anything else opens a ticket with channel
    `email`. The sender is matched to a contact by email, or created. The same Message-ID
    twice answers the first result with `duplicate: true`. At most `CRM_MAX_EMAIL_BYTES`
    (5 MiB): larger is 413; a message with no sender or nothing to read is 422."""
    raw = _raw_message()
    _check_readable(raw)
    try:
        result = services.call("support", "receive_email", _as_text(raw),
                               timeout=INBOUND_TIMEOUT)
    except RemoteError as error:
        problem = from_remote(error)
        if problem.errors and "raw" in problem.errors:
            problem.errors["message"] = problem.errors.pop("raw")
        raise problem from None
    g.resource_id = result["ticket"]["id"]
    return result, 201 if result.get("created") else 200


def _raw_message() -> bytes:
    limit = current_app.config["CRM"].max_email_bytes
    too_large = Problem(413, "Payload too large",
                        f"a message is at most {limit} bytes (CRM_MAX_EMAIL_BYTES)")
    if request.content_length is not None and \
            request.content_length > limit + MULTIPART_MARGIN:
        raise too_large  # the pipeline's body cap, said in the mail's own terms
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("message")
        raw = upload.read(limit + 1) if upload is not None \
            else request.form.get("message", "").encode("utf-8")
        if upload is None and "message" not in request.form:
            raise Problem(422, "Invalid input", "send the message in the field `message`",
                          errors={"message": ["Missing data for required field."]})
    elif request.mimetype in RAW_TYPES:
        raw = request.get_data(cache=False)
    else:
        raise Problem(415, "Unsupported media type",
                      "send the raw message as message/rfc822, or multipart/form-data "
                      "with the field `message`")
    if len(raw) > limit:
        raise too_large
    return raw


def _check_readable(raw: bytes) -> None:
    """Refuse at once what cannot become a ticket, naming why."""
    def refuse(reason: str):
        return Problem(422, "Invalid input", reason, errors={"message": [reason]})

    if not raw.strip():
        raise refuse("the message is empty")
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if b":" not in head.split(b"\n", 1)[0]:
        raise refuse("the message does not start with RFC 5322 headers")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        sender = message.get("From")
        addresses = getattr(sender, "addresses", ()) if sender is not None else ()
    except (TypeError, ValueError, IndexError, LookupError) as exc:
        raise refuse(f"the headers cannot be read: {exc}") from None
    if sender is None:
        raise refuse("the message has no From header")
    if not addresses or "@" not in addresses[0].addr_spec:
        raise refuse("the From header holds no email address")


def _as_text(raw: bytes) -> str:
    # The service parses text. 8-bit parts in a legacy charset survive as Latin-1, which
    # maps each byte to one character and back.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
