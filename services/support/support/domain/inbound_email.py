"""Inbound email: what a raw RFC 5322 message says, with the standard library's parser.

Only reading happens here: who wrote, about what, and which message it answers. Which
ticket that is, and who the sender is in the CRM, is decided by the use case.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import Parser

MAX_BYTES = 5 * 1024 * 1024
MAX_BODY_CHARS = 100_000
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_TAGS = re.compile(r"<[^>]+>")
_SURROGATES = re.compile("[\ud800-\udfff]")


class UnreadableEmail(ValueError):
    """The message cannot be a ticket: the text says why."""


@dataclass(frozen=True)
class InboundEmail:
    message_id: str
    sender_email: str
    sender_name: str
    subject: str
    body: str
    references: list[str] = field(default_factory=list)  # In-Reply-To first, then References
    language: str | None = None


def message_ids(header: str | None) -> list[str]:
    return _MESSAGE_ID.findall(str(header or ""))


def parse(raw: str) -> InboundEmail:
    if not isinstance(raw, str) or not raw.strip():
        raise UnreadableEmail("the message is empty")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise UnreadableEmail(f"the message is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        message: EmailMessage = Parser(policy=policy.default).parsestr(raw)
        sender = _sender(message)
        subject = str(message.get("Subject") or "").strip()
    except (TypeError, ValueError, IndexError, LookupError) as exc:
        raise UnreadableEmail(f"the headers cannot be read: {exc}") from None
    body = _body(message)
    if not subject and not body:
        raise UnreadableEmail("the message has neither a subject nor a text body")
    ids = message_ids(message.get("Message-ID"))
    message_id = ids[0] if ids else _synthetic_id(raw)
    references = message_ids(message.get("In-Reply-To")) + [
        ref for ref in message_ids(message.get("References"))
        if ref not in message_ids(message.get("In-Reply-To"))]
    language = str(message.get("Content-Language") or "").strip().lower()[:10] or None
    return InboundEmail(message_id=_storable(message_id),
                        sender_email=_storable(sender.addr_spec.lower()),
                        sender_name=_storable(sender.display_name or ""),
                        subject=_storable(subject)[:300], body=_storable(body),
                        references=[_storable(ref) for ref in references],
                        language=_storable(language) if language else None)


def _storable(text: str) -> str:
    """Text a database can store: a NUL, which means nothing in mail, dropped, and a lone
    surrogate (a byte no charset decoded) shown as U+FFFD, as mail readers show it."""
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def _sender(message: EmailMessage) -> Address:
    header = message.get("From")
    if header is None:
        raise UnreadableEmail("the message has no From header")
    addresses = getattr(header, "addresses", ())
    if not addresses or "@" not in addresses[0].addr_spec:
        raise UnreadableEmail("the From header holds no email address")
    return addresses[0]


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError, AssertionError):
        # An unknown charset: keep what can be read rather than refusing the customer.
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", "replace")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        text = html.unescape(_TAGS.sub(" ", text))
        text = re.sub(r"[ \t]+", " ", text)
    return text.strip()[:MAX_BODY_CHARS]


def _synthetic_id(raw: str) -> str:
    """A message without Message-ID still dedups: the same bytes give the same id."""
    digest = hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return f"{digest}@no-message-id.support.crm"
