import codecs
from datetime import UTC, datetime, timedelta, timezone

import pytest
import vobject

from contacts.domain.vcard import (
    MAX_CARD_CHARS,
    VcardRow,
    contact_to_vcard,
    contacts_to_vcards,
    parse_vcards,
)

ZOE = {
    "id": "0b6d6f0e-1f7a-4c1e-9a51-6f3c2a7e9d10",
    "first_name": "Zoë",
    "last_name": "Lefèvre",
    "email": "zoe@acme.fr",
    "phone": "+33612345678",
    "title": "Head of Sales, EMEA; interim",
    "address_line": "1, rue de la Paix",
    "city": "Paris",
    "postal_code": "75002",
    "country": "France",
    "tags": ["vip", "b2b"],
    "updated_at": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
}
ZOE_VALUES = {
    "first_name": "Zoë",
    "last_name": "Lefèvre",
    "email": "zoe@acme.fr",
    "phone": "+33612345678",
    "title": "Head of Sales, EMEA; interim",
    "account": "ACME, Inc; Europe",
    "address_line": "1, rue de la Paix",
    "city": "Paris",
    "postal_code": "75002",
    "country": "France",
    "tags": "vip,b2b",
}


def card_lines(text):
    return text.split("\r\n")


def test_export_writes_a_vcard_4():
    text = contact_to_vcard(ZOE, "ACME, Inc; Europe")
    lines = card_lines(text)
    assert lines[:2] == ["BEGIN:VCARD", "VERSION:4.0"]
    assert lines[-2:] == ["END:VCARD", ""]
    assert "N:Lefèvre;Zoë;;;" in lines
    assert "FN:Zoë Lefèvre" in lines
    assert "ORG:ACME\\, Inc\\; Europe" in lines
    assert "TITLE:Head of Sales\\, EMEA\\; interim" in lines
    assert "ADR:;;1\\, rue de la Paix;Paris;;75002;France" in lines
    assert f"UID:{ZOE['id']}" in lines
    assert "REV:20240506T070809Z" in lines
    assert "CATEGORIES:vip,b2b" in lines
    assert not any(line.startswith("NOTE") for line in lines)


def test_revision_is_written_in_utc():
    paris = timezone(timedelta(hours=2))
    text = contact_to_vcard(
        {"id": "x", "first_name": "A", "updated_at": datetime(2024, 5, 6, 9, tzinfo=paris)}
    )
    assert "REV:20240506T070000Z" in card_lines(text)


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character():
    text = contact_to_vcard({"first_name": "Zoë", "last_name": "é" * 200})
    for line in card_lines(text):
        assert len(line.encode()) <= 75
    assert text.encode().decode("utf-8")


def test_a_contact_without_a_name_is_still_named():
    lines = card_lines(contact_to_vcard({"email": "a@b.co"}))
    assert "FN:a@b.co" in lines
    assert "FN:Unnamed contact" in card_lines(contact_to_vcard({}))


def test_empty_fields_are_left_out():
    lines = card_lines(contact_to_vcard({"first_name": "A", "title": "", "tags": [], "city": None}))
    assert not any(
        line.startswith(("TITLE", "CATEGORIES", "ADR", "ORG", "UID", "REV")) for line in lines
    )


def test_the_export_is_read_back_by_vobject():
    card = vobject.readOne(contact_to_vcard(ZOE, "ACME, Inc; Europe"))
    assert card.org.value == ["ACME, Inc; Europe"]
    assert card.n.value.given == "Zoë"


def test_round_trip_keeps_every_value():
    text = "".join(contacts_to_vcards([(ZOE, "ACME, Inc; Europe"), ({"first_name": "Bo"}, None)]))
    assert list(parse_vcards(text)) == [
        VcardRow(1, ZOE_VALUES, None),
        VcardRow(2, {"first_name": "Bo"}, None),
    ]


@pytest.mark.parametrize(
    "value",
    ["back\\slash", "two\nlines", "semi;colon", "comma, too", ":colon:", "tab\there", 'a "quote"'],
)
def test_round_trip_keeps_special_characters(value):
    contact = {"first_name": value, "last_name": value, "title": value, "city": value}
    (row,) = parse_vcards(contact_to_vcard(contact, value))
    assert row.values == {
        "first_name": value,
        "last_name": value,
        "title": value,
        "account": value,
        "city": value,
    }


def test_tags_given_as_text_are_split():
    assert "CATEGORIES:vip,b2b" in card_lines(contact_to_vcard({"tags": "vip, b2b,"}))


def test_old_mac_line_ends_are_read():
    text = contact_to_vcard(ZOE, "ACME, Inc; Europe").replace("\r\n", "\r")
    assert [row.values for row in parse_vcards(text)] == [ZOE_VALUES]


@pytest.mark.parametrize("size", [1, 2, 3, 50, 100_000])
def test_round_trip_from_chunks_of_bytes(size):
    data = "".join(contacts_to_vcards([(ZOE, "ACME, Inc; Europe")] * 3)).encode()
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    assert [row.values for row in parse_vcards(chunks)] == [ZOE_VALUES] * 3


def test_utf16_with_a_byte_order_mark_is_read():
    data = codecs.BOM_UTF16_LE + contact_to_vcard(ZOE, "ACME, Inc; Europe").encode("utf-16-le")
    assert [row.values for row in parse_vcards(data)] == [ZOE_VALUES]


VCARD_3 = """BEGIN:VCARD
VERSION:3.0
N:Doe;John;;;
FN:John Doe
item1.EMAIL;TYPE=INTERNET:john@home.example
EMAIL;TYPE=INTERNET,pref:john@work.example
TEL;TYPE=CELL:+33 6 12 34 56 78
ORG:Globex\\, Ltd;Sales
TITLE:Buyer
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD
 /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR
NOTE:Met at the fair
END:VCARD
"""


def test_a_vcard_3_from_another_address_book_is_read():
    assert list(parse_vcards(VCARD_3)) == [
        VcardRow(
            1,
            {
                "first_name": "John",
                "last_name": "Doe",
                "email": "john@work.example",
                "phone": "+33 6 12 34 56 78",
                "title": "Buyer",
                "account": "Globex, Ltd",
            },
            None,
        )
    ]


def test_a_vcard_4_tel_uri_and_a_card_without_n():
    text = "BEGIN:VCARD\nVERSION:4.0\nFN:Ada Lovelace\nTEL;VALUE=uri:tel:+442079460958\nEND:VCARD\n"
    assert list(parse_vcards(text))[0].values == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "+442079460958",
    }


GOOD = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Good;One;;;\r\nFN:One Good\r\nEND:VCARD\r\n"


def card(*lines: str) -> str:
    return "".join(f"{line}\r\n" for line in lines)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            card("BEGIN:VCARD", "VERSION:3.0", "this is not a property", "END:VCARD"),
            "card 2: cannot be read",
        ),
        (
            card("BEGIN:VCARD", "VERSION:3.0", "NOTE:only a note", "END:VCARD"),
            "card 2: has no name, email or phone",
        ),
        (
            card("BEGIN:VCARD", "VERSION:3.0", "FN:Never closed"),
            "card 2: no END:VCARD before the next card",
        ),
    ],
)
def test_a_broken_card_is_reported_and_the_next_one_read(broken, message):
    found = list(parse_vcards(GOOD + broken + GOOD))
    assert [row.index for row in found] == [1, 2, 3]
    assert found[1].values == {}
    assert found[1].error.startswith(message)
    assert found[0] == VcardRow(1, {"first_name": "One", "last_name": "Good"})
    assert found[2] == VcardRow(3, {"first_name": "One", "last_name": "Good"})


def test_an_unclosed_last_card_is_reported():
    found = list(parse_vcards(GOOD + "BEGIN:VCARD\nFN:Cut short\n"))
    assert found[1] == VcardRow(2, {}, "card 2: the card ends without END:VCARD")


def test_invalid_utf8_spoils_only_its_card():
    data = GOOD.encode() + GOOD.replace("One", "Ren\xe9e").encode("latin-1") + GOOD.encode()
    found = list(parse_vcards([data[i : i + 3] for i in range(0, len(data), 3)]))
    assert [row.error for row in found] == [
        None,
        "card 2: invalid UTF-8; save the file as UTF-8",
        None,
    ]


def test_an_oversized_card_is_reported_and_skipped():
    huge = (
        "BEGIN:VCARD\nVERSION:3.0\nFN:Big\n"
        + "NOTE:x\n" * (MAX_CARD_CHARS // 7 + 1)
        + "END:VCARD\n"
    )
    found = list(parse_vcards(huge + GOOD))
    assert found[0].error == f"card 1: the card is longer than {MAX_CARD_CHARS} characters"
    assert found[1] == VcardRow(2, {"first_name": "One", "last_name": "Good"})


def test_pictures_are_skipped_whatever_their_size():
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 70 + "\r\n" + " " + "A" * 74 + "\r\n"
    text = GOOD.replace("FN:", photo * 5000 + "FN:")
    assert list(parse_vcards(text)) == [VcardRow(1, {"first_name": "One", "last_name": "Good"})]


@pytest.mark.parametrize("source", ["", b"", [], "no cards here\n", [b"", b""]])
def test_nothing_to_read_gives_no_rows(source):
    assert list(parse_vcards(source)) == []


def test_a_line_without_end_stops_the_file_with_an_error_row():
    def chunks():
        yield GOOD.encode()
        yield b"BEGIN:VCARD\nNOTE:"
        for _ in range(300):
            yield b"x" * 4096

    found = list(parse_vcards(chunks()))
    assert found[0].error is None
    assert found[1].index == 2
    assert found[1].error.startswith("card 2: a line is longer than")
