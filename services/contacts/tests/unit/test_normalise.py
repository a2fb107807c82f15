import pytest

from contacts.domain.normalise import (
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
