"""Phone numbers that are valid for their country (E.164), made from libphonenumber's
example numbers so the API's own phonenumbers check accepts them."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# The leading digits kept from the example number: they pick a real range (a mobile
# prefix, an area code); the digits after them are drawn.
KEPT_DIGITS = 2
ATTEMPTS = 50


def phone_number(region: str, rng: random.Random, mobile: bool = True) -> str:
    """A valid number of `region` (ISO 3166 alpha-2) in E.164 form, e.g. +33612345678."""
    kind = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
    example = (phonenumbers.example_number_for_type(region, kind)
               or phonenumbers.example_number(region))
    if example is None:
        raise ValueError(f"no phone numbers known for {region!r}")
    national = str(example.national_number)
    kept = national[:KEPT_DIGITS]
    for _ in range(ATTEMPTS):
        drawn = "".join(rng.choice("0123456789") for _ in national[KEPT_DIGITS:])
        number = phonenumbers.parse(f"+{example.country_code}{kept}{drawn}")
        if phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(
                number) == region:
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, PhoneNumberFormat.E164)
