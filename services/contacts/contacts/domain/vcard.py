"""vCard export and import (RFC 6350 vCard 4.0 out; 3.0 and 4.0 in).

Export writes one VCARD per contact with N, FN, EMAIL, TEL, TITLE, ORG, ADR, UID (the
contact's id), REV (its last update) and CATEGORIES (its tags). vobject escapes commas,
semicolons and backslashes and folds long lines at 75 octets without splitting a
character.

Import cuts the text into cards itself, so that one malformed card is reported as an
error row and the next cards are still read. Its values use the CSV import's field
names: first_name, last_name, email, phone, title, account, address_line, city,
postal_code, country, and tags (comma-separated).
"""

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import vobject

from ._text_stream import LineTooLong, decode, first_bad_byte, physical_lines

# Pictures and keys are not imported: skipping their lines keeps each card small.
_SKIPPED_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
MAX_CARD_CHARS = 256 * 1024
_PROPERTY_NAME = re.compile(r"(?:[\w-]+\.)?([\w-]+)")


@dataclass
class VcardRow:
    index: int
    values: dict[str, str]
    error: str | None = None


def _text(value: Any) -> str:
    """One string from vobject's str-or-list component values."""
    if isinstance(value, list | tuple):
        return " ".join(_text(part) for part in value if part).strip()
    return str(value or "").strip()


def _timestamp(value: Any) -> str:
    # RFC 6350's timestamp is the ISO 8601 basic form, in UTC.
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return str(value)


def _add(card: vobject.base.Component, name: str, value: Any) -> None:
    card.add(name).value = value


def contact_to_vcard(contact: Mapping[str, Any], account_name: str | None = None) -> str:
    first, last = _text(contact.get("first_name")), _text(contact.get("last_name"))
    email, phone = _text(contact.get("email")), _text(contact.get("phone"))
    card = vobject.vCard()
    # vobject's vCard behaviour is 3.0's, but it writes these properties as 4.0 wants them.
    _add(card, "version", "4.0")
    _add(card, "n", vobject.vcard.Name(family=last, given=first))
    # FN is mandatory: a contact known only by address or phone is still named.
    _add(card, "fn", f"{first} {last}".strip() or email or phone or "Unnamed contact")
    if email:
        _add(card, "email", email)
    if phone:
        _add(card, "tel", phone)
    if title := _text(contact.get("title")):
        _add(card, "title", title)
    if account_name:
        _add(card, "org", [account_name])
    address = {
        "street": _text(contact.get("address_line")),
        "city": _text(contact.get("city")),
        "code": _text(contact.get("postal_code")),
        "country": _text(contact.get("country")),
    }
    if any(address.values()):
        _add(card, "adr", vobject.vcard.Address(**address))
    if contact.get("id"):
        _add(card, "uid", str(contact["id"]))
    if contact.get("updated_at"):
        _add(card, "rev", _timestamp(contact["updated_at"]))
    tags = contact.get("tags") or ()
    if isinstance(tags, str):
        tags = tags.split(",")
    if tags := [str(tag).strip() for tag in tags if str(tag).strip()]:
        _add(card, "categories", tags)
    return card.serialize()


def contacts_to_vcards(items: Iterable[tuple[Mapping[str, Any], str | None]]) -> Iterator[str]:
    for contact, account_name in items:
        yield contact_to_vcard(contact, account_name)


def _text_pieces(source: str | bytes | Iterable[str | bytes]) -> tuple[str, Iterator[str]]:
    """The encoding's name and the text, piece by piece."""
    if isinstance(source, str | bytes | bytearray):
        source = [source]
    chunks = iter(source)
    first = next(chunks, None)
    if first is None:
        return "UTF-8", iter(())
    rest = itertools.chain([first], chunks)
    return ("text", rest) if isinstance(first, str) else decode(rest)


def _property(line: str) -> str:
    found = _PROPERTY_NAME.match(line)
    return found.group(1).upper() if found else ""


def _cards(lines: Iterable[str]) -> Iterator[tuple[list[str] | None, str | None]]:
    """Each card's lines, or None and the reason it could not be cut out."""
    card: list[str] | None = None
    size, skipping = 0, False
    for line in lines:
        word = line.strip().upper()
        if word == "BEGIN:VCARD":
            if card is not None:
                yield None, "no END:VCARD before the next card"
            card, size, skipping = [line], len(line), False
        elif card is None:
            continue  # text between cards carries nothing to import
        elif word == "END:VCARD":
            card.append(line)
            yield card, None
            card = None
        elif line[:1] in (" ", "\t"):
            if not skipping:
                card.append(line)
                size += len(line)
        else:
            skipping = _property(line) in _SKIPPED_PROPERTIES
            if not skipping:
                card.append(line)
                size += len(line)
        if card is not None and size > MAX_CARD_CHARS:
            yield None, f"the card is longer than {MAX_CARD_CHARS} characters"
            card = None
    if card is not None:
        yield None, "the card ends without END:VCARD"


def _preferred(card: vobject.base.Component, name: str) -> str:
    found = card.contents.get(name) or []
    preferred = [
        line
        for line in found
        if "PREF" in line.params or "pref" in (t.lower() for t in line.params.get("TYPE", []))
    ]
    for line in preferred + found:
        if value := _text(line.value):
            return value.removeprefix("tel:")
    return ""


def _names(card: vobject.base.Component) -> tuple[str, str]:
    if "n" in card.contents:
        name = card.n.value
        return _text(name.given), _text(name.family)
    # FN may be an email or a company when N is there and empty, so it is read only here.
    full = _text(card.fn.value) if "fn" in card.contents else ""
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (last, "")


def _values(card: vobject.base.Component) -> dict[str, str]:
    first, last = _names(card)
    values = {
        "first_name": first,
        "last_name": last,
        "email": _preferred(card, "email"),
        "phone": _preferred(card, "tel"),
        "title": _text(card.title.value) if "title" in card.contents else "",
    }
    if "org" in card.contents:
        # ORG is the organisation then its units; the account is the organisation.
        org = card.org.value
        values["account"] = _text(org[0] if isinstance(org, list) and org else org)
    if "adr" in card.contents:
        address = card.adr.value
        values["address_line"] = _text(address.street)
        values["city"] = _text(address.city)
        values["postal_code"] = _text(address.code)
        values["country"] = _text(address.country)
    if "categories" in card.contents:
        tags = card.categories.value
        values["tags"] = ",".join(
            _text(tag) for tag in (tags if isinstance(tags, list) else [tags])
        )
    return {field: value for field, value in values.items() if value}


def _read_card(index: int, lines: list[str], encoding: str) -> VcardRow:
    text = "".join(lines)
    if first_bad_byte(text) is not None:
        return VcardRow(index, {}, f"card {index}: invalid {encoding}; save the file as UTF-8")
    try:
        values = _values(vobject.readOne(text))
    except Exception as exc:  # vobject fails in many ways on bad input: each is a bad card
        return VcardRow(index, {}, f"card {index}: cannot be read ({str(exc)[:200]})")
    if not {"first_name", "last_name", "email", "phone"} & values.keys():
        return VcardRow(index, {}, f"card {index}: has no name, email or phone")
    return VcardRow(index, values)


def parse_vcards(chunks_or_text: str | bytes | Iterable[str | bytes]) -> Iterator[VcardRow]:
    """One row per card, numbered from 1, read lazily from text or chunks of bytes."""
    encoding, pieces = _text_pieces(chunks_or_text)
    index = 0
    try:
        for index, (lines, problem) in enumerate(_cards(physical_lines(pieces)), start=1):
            if lines is None:
                yield VcardRow(index, {}, f"card {index}: {problem}")
            else:
                yield _read_card(index, lines, encoding)
    except LineTooLong as exc:
        # Without line ends there is no telling where the next card starts.
        yield VcardRow(index + 1, {}, f"card {index + 1}: {exc}; the rest of the file was not read")
