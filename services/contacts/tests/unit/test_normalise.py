import pytest
from email_validator import validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from contacts.domain.normalise import (
    _plain_email,
    clean_text,
    company_key,
    email_domain,
    name_key,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("  zoe@acme.fr \n", "zoe@acme.fr"),
        ("Zoë@Exämple.FR", "zoë@exämple.fr"),
        ("a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"),
    ],
)
def test_normalise_email_lowercases_the_whole_address(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "plainaddress", "a@b", "a@@b.com", "john doe@acme.com", "a@localhost",
     "John <j@acme.com>", "x" * 300 + "@acme.com", None, 42],
)  # fmt: skip
def test_normalise_email_rejects_bad_input_with_a_value_error(raw):
    with pytest.raises(ValueError, match="^not a valid email address: "):
        normalise_email(raw)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
        ("0033612345678", "FR", "+33612345678"),
        ("06.12.34.56.78", "fr", "+33612345678"),
        ("+1 650-253-0000", "FR", "+16502530000"),
        ("(650) 253-0000", "US", "+16502530000"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+33 6 12 34 56 78 ext. 12", "FR", "+33612345678"),
    ],
)
def test_normalise_phone_gives_e164(raw, region, expected):
    assert normalise_phone(raw, region) == expected


def test_normalise_phone_defaults_to_france():
    assert normalise_phone("01 42 68 53 00") == "+33142685300"


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("", "FR"),
        ("abc", "FR"),
        ("123", "FR"),
        ("+1 555 0100", "FR"),  # possible length, but no such range
        ("06 12", "FR"),
        ("1" * 300, "FR"),
        ("06 12 34 56 78", "XX"),
        ("06 12 34 56 78", ""),
        (None, "FR"),
    ],
)
def test_normalise_phone_rejects_bad_input_with_a_value_error(raw, region):
    with pytest.raises(ValueError, match="^not a valid phone number"):
        normalise_phone(raw, region)


def test_international_number_needs_no_region():
    assert normalise_phone("+44 20 7946 0958", "") == "+442079460958"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Éloïse ", " D'Arc", "eloise darc"),
        ("Jean-Pierre", "O’Neil", "jean pierre oneil"),
        ("  ZOË ", "LEFÈVRE\t", "zoe lefevre"),
        ("Søren", "Kierkegaard", "soren kierkegaard"),
        ("Straße", None, "strasse"),
        (None, None, ""),
        ("", "", ""),
        ("J.R.R.", "Tolkien", "jrr tolkien"),
    ],
)
def test_name_key(first, last, expected):
    assert name_key(first, last) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ACME Inc.", "acme"),
        ("Acme", "acme"),
        ("Acme, Incorporated", "acme"),
        ("S.A.S. Dupont & Fils", "dupont fils"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Globex Corporation Ltd", "globex"),
        ("Société Générale SA", "societe generale"),
        ("Group", "group"),
        ("", ""),
        (None, ""),
    ],
)
def test_company_key_drops_legal_forms(name, expected):
    assert company_key(name) == expected


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("john@Acme.COM", "acme.com"),
        ("weird@name@acme.com", "acme.com"),
        ("no-at-sign", None),
        ("trailing@", None),
        ("", None),
        (None, None),
    ],
)
def test_email_domain(email, expected):
    assert email_domain(email) == expected


def test_clean_text_keeps_digits_and_drops_symbols():
    assert clean_text("Unit 42 — 3rd floor / B&B ™") == "unit 42 3rd floor b b tm"


def test_clean_text_folds_compatibility_characters():
    assert clean_text("ﬁnance İSTANBUL ＡＣＭＥ Æther") == "finance istanbul acme aether"


# --- the plain addresses' shortcut ------------------------------------------------------------

# Mostly the characters of plain addresses, dots and hyphens where they may or may not go,
# and now and then a character only email_validator may judge.
_LOCAL_CHARS = "aZ09._+-!#'`{}~|=?^&%$*/"
_ODD_CHARS = " \"(),:;<>@[]\\ü\u00a0"
_DOMAIN_CHARS = "abZ019-"
_TLDS = ["com", "FR", "co", "x", "c1", "1", "test", "localhost", "arpa", "home.arpa", "onion",
         "invalid", "local", "example", "xn--p1ai", "a" * 63, "a" * 64]


@st.composite
def _addresses(draw):
    odd = draw(st.booleans()) and draw(st.booleans())
    atoms = st.lists(st.text(_LOCAL_CHARS.replace(".", ""), min_size=1, max_size=12),
                     min_size=1, max_size=6).map(".".join)
    local = draw(atoms | st.text(_LOCAL_CHARS + (_ODD_CHARS if odd else ""), max_size=70)
                 | st.sampled_from(["a" * 64, "a" * 65, "a.b", ".a", "a.", "a..b"]))
    label = (st.text(_DOMAIN_CHARS + "_.ü", max_size=8) if odd
             else st.text(_DOMAIN_CHARS, min_size=1, max_size=8))
    labels = draw(st.lists(label | st.sampled_from(["a" * 63, "a" * 64, "ab--cd", "-a", "a-"]),
                           max_size=4))
    tld = draw(st.sampled_from(_TLDS) | st.text("aZ", min_size=2, max_size=6))
    domain = ".".join([*labels, tld])
    return f"{local}@{domain}"


@given(_addresses())
@settings(max_examples=3000, deadline=None)
def test_the_shortcut_answers_only_as_email_validator_would(address):
    plain = _plain_email(address)
    if plain is not None:  # taken: email_validator agrees, to the character
        assert validate_email(address, check_deliverability=False).normalized.lower() == plain


@pytest.mark.parametrize("address", [
    "jean.dupont.i17@acme-corp.example.fr", "O'Brien+crm@Mail.Example.COM",
    "a" * 64 + "@" + ".".join(["b" * 61] * 3) + ".com", "x_y-z{1}@sub.a1.io"])
def test_plain_addresses_take_the_shortcut(address):
    assert _plain_email(address) == address.lower() == normalise_email(address)
    assert validate_email(address, check_deliverability=False).normalized.lower() == address.lower()


@pytest.mark.parametrize("address", [
    "a" * 65 + "@b.com", "a@" + ".".join(["b" * 63] * 4) + ".com", "a@b.test",
    "a@mail.localhost", "a@b.c1", "a@ab--cd.com", "é@b.com", "a@bü.com", '"a b"@c.com'])
def test_anything_else_is_left_to_email_validator(address):
    assert _plain_email(address) is None
