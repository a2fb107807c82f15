"""Canonical forms of emails, phone numbers, names and company names.

The same person typed twice rarely looks the same twice: these functions give the forms
that dedup, search and the unique indexes compare.
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

# Words that say how a company is registered, not which company it is.
LEGAL_FORMS = frozenset(
    {
        "inc", "incorporated", "ltd", "limited", "llc", "llp", "corp", "corporation",
        "co", "company", "sa", "sas", "sasu", "sarl", "eurl", "gmbh", "ag", "kg",
        "bv", "nv", "plc", "pty", "srl", "group",
    }
)  # fmt: skip

# Apostrophes and dots glue a word ("D'Arc", "S.A."): dropped, not turned into a space.
_GLUE = re.compile(r"['’‘`´.]")
_SEPARATORS = re.compile(r"[\W_]+")
# Letters that NFKD does not split into a base letter and an accent.
_UNSPLIT_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d"})

# An address email_validator is sure to accept as it is (then lower-cased): a dot-atom
# local part of ASCII, and a domain of ASCII labels ending with a TLD of letters.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+[A-Za-z]{{2,63}})")
_SPECIAL_USE = tuple(SPECIAL_USE_DOMAIN_NAMES)


@lru_cache(maxsize=16384)  # an import's names and companies come back row after row
def clean_text(value: str | None) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces.

    The shared cleaning behind name, company, search and CSV header keys.
    """
    if not value:
        return ""
    text = _GLUE.sub("", value)
    if text.isascii():
        text = text.lower()
    else:
        # Decomposed first, so that "™" and "ﬁ" are letters by the time case is folded.
        text = unicodedata.normalize("NFKD", text).casefold()
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.translate(_UNSPLIT_LETTERS)
    return _SEPARATORS.sub(" ", text).strip()


@lru_cache(maxsize=8192)  # an import checks each address several times
def normalise_email(value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a valid email address: it is empty")
    address = value.strip()
    # Mailboxes are case-insensitive in practice: one spelling keeps the unique index honest.
    plain = _plain_email(address)
    if plain is not None:
        return plain
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from None
    return checked.normalized.lower()


def _plain_email(address: str) -> str | None:
    """The address lower-cased, when it is of the plain kind email_validator would take
    and give back unchanged but for case; None for anything else, which it then judges
    (at 50 us an address, a third of an imported row's CPU in the service)."""
    match = _PLAIN_EMAIL.fullmatch(address)
    # Within 254 characters the domain is within its 253 too.
    if match is None or len(address) > 254 or len(match[1]) > 64:
        return None
    domain = match[2].lower()
    # IDNA refuses "--" in some places of a label, and special-use names (".test",
    # ".localhost") are no one's mailbox: both left to email_validator.
    if "--" in domain or any(
            domain == name or domain.endswith("." + name) for name in _SPECIAL_USE):
        return None
    return address.lower()


@lru_cache(maxsize=8192)
def normalise_phone(value: str, default_region: str = "FR") -> str:
    """The number in E.164 form; a national number is read in `default_region`.

    An extension ("ext. 12") is dropped: E.164 has no room for it.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a valid phone number: it is empty")
    try:
        number = phonenumbers.parse(value, (default_region or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"not a valid phone number: {value.strip()!r}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"not a valid phone number: {value.strip()!r} has the wrong length")
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number: {value.strip()!r} is not an assigned range")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def name_key(first_name: str | None, last_name: str | None) -> str:
    return clean_text(f"{first_name or ''} {last_name or ''}")


def company_key(name: str | None) -> str:
    words = clean_text(name).split()
    distinctive = [word for word in words if word not in LEGAL_FORMS]
    # A company called just "Group" keeps its name rather than becoming nameless.
    return " ".join(distinctive or words)


def email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().rstrip(".").lower()
    return domain or None
