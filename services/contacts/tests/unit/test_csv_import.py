import codecs
import csv
import tracemalloc

import pytest

from contacts.domain.csv_import import (
    KNOWN_HEADERS,
    CsvFormatError,
    CsvImportReader,
    CsvRow,
    MappingError,
    read_csv,
    resolve_mapping,
)

FIELDS = {
    "first_name", "last_name", "email", "phone", "title", "account", "lifecycle_stage",
    "source", "tags", "owner_id", "address_line", "city", "postal_code", "country",
}  # fmt: skip


def chunked(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def read(data: bytes | str, mapping=None, size=7, **options) -> CsvImportReader:
    if isinstance(data, str):
        data = data.encode()
    return CsvImportReader(chunked(data, size), mapping, FIELDS, **options)


def rows(data, mapping=None, size=7, **options) -> list[CsvRow]:
    return list(read(data, mapping, size, **options))


def test_known_headers_name_importable_fields():
    assert set(KNOWN_HEADERS.values()) <= FIELDS
    assert KNOWN_HEADERS["prénom"] == "first_name"
    assert KNOWN_HEADERS["company"] == "account"


def test_headers_are_recognised_in_any_case_spacing_or_accent():
    reader = read(
        "First_Name,LAST NAME,E-mail Address,Téléphone,Job title,Société,Code postal,zip,Notes\n"
    )
    assert reader.headers[0] == "First_Name"
    assert reader.columns == {
        0: "first_name", 1: "last_name", 2: "email", 3: "phone", 4: "title", 5: "account",
        6: "postal_code",
    }  # fmt: skip


def test_rows_carry_their_physical_line_and_stripped_values():
    data = "first name,last name,email\n Zoë , Lefèvre ,zoe@acme.fr\n\nJohn,Smith,\n"
    assert rows(data) == [
        CsvRow(2, {"first_name": "Zoë", "last_name": "Lefèvre", "email": "zoe@acme.fr"}, None),
        CsvRow(4, {"first_name": "John", "last_name": "Smith", "email": ""}, None),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_sniffed_from_the_header(delimiter):
    data = delimiter.join(["email", "company", "city"]) + "\n"
    data += delimiter.join(["a@b.co", '"Acme, Inc; Europe|\tLtd"', "Paris"]) + "\n"
    reader = read(data)
    assert reader.delimiter == delimiter
    assert list(reader)[0].values["account"] == "Acme, Inc; Europe|\tLtd"


def test_delimiters_inside_quoted_headers_do_not_count():
    reader = read('"Name, first";"Name, last";email\nZoë;L;z@a.fr\n')
    assert reader.delimiter == ";"
    assert reader.headers == ["Name, first", "Name, last", "email"]


def test_a_single_column_file_is_read():
    assert rows("email\na@b.co\n") == [CsvRow(2, {"email": "a@b.co"}, None)]


SAMPLE = (
    "prénom;nom;société;notes\r\n"
    'Zoë;Lefèvre;"ACME; Inc";"two\r\nlines"\r\n'
    "\r\n"
    'Ægir;Ørsted;Société Générale;"a ""quoted"" word, and\nanother line"\r\n'
    "Łukasz;Žák;日本;\r\n"
)
SAMPLE_ROWS = [
    CsvRow(2, {"first_name": "Zoë", "last_name": "Lefèvre", "account": "ACME; Inc"}, None),
    CsvRow(5, {"first_name": "Ægir", "last_name": "Ørsted", "account": "Société Générale"}, None),
    CsvRow(7, {"first_name": "Łukasz", "last_name": "Žák", "account": "日本"}, None),
]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 64, 10_000])
def test_chunks_may_end_anywhere(size):
    assert rows(SAMPLE, size=size) == SAMPLE_ROWS


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    ],
    ids=["utf-8-bom", "utf-16-le", "utf-16-be"],
)
@pytest.mark.parametrize("size", [1, 3, 4096])
def test_byte_order_marks_are_honoured(encode, size):
    reader = read(encode(SAMPLE), size=size)
    assert reader.headers[0] == "prénom"
    assert list(reader) == SAMPLE_ROWS


def test_old_mac_line_ends_are_lines():
    data = "email,city\ra@b.co,Paris\rc@d.co,Lyon\r"
    assert [row.line for row in rows(data, size=1)] == [2, 3]


def test_form_feeds_and_line_separators_are_data():
    data = 'email,city\na@b.co,"Pa\x0cris\u2028x"\nc@d.co,Lyon\n'
    assert rows(data, size=5) == [
        CsvRow(2, {"email": "a@b.co", "city": "Pa\x0cris\u2028x"}, None),
        CsvRow(3, {"email": "c@d.co", "city": "Lyon"}, None),
    ]


def test_invalid_utf8_spoils_only_its_row():
    data = "email,city\na@b.co,Paris\nc@d.co,Orl\xe9ans\ne@f.co,Lyon\n".encode("latin-1")
    for size in (1, 2, 1000):
        assert rows(data, size=size) == [
            CsvRow(2, {"email": "a@b.co", "city": "Paris"}, None),
            CsvRow(3, {}, "line 3: invalid UTF-8 (byte 0xE9) in this row"),
            CsvRow(4, {"email": "e@f.co", "city": "Lyon"}, None),
        ]


def test_a_character_cut_short_at_the_end_spoils_the_last_row():
    data = b"email,city\na@b.co,Paris\nc@d.co,Z" + "ë".encode()[:1]
    result = rows(data, size=1)
    assert result[0].error is None
    assert result[1].line == 3
    assert result[1].error.startswith("line 3: invalid UTF-8")


def test_invalid_utf16_spoils_only_its_row():
    good = codecs.BOM_UTF16_LE + "email\na@b.co\n".encode("utf-16-le")
    bad = "c@d.co".encode("utf-16-le") + b"\x00\xd8" + "\ne@f.co\n".encode("utf-16-le")
    result = rows(good + bad, size=3)
    assert [(row.line, row.error) for row in result] == [
        (2, None),
        (3, "line 3: invalid UTF-16 (byte 0x00) in this row"),
        (4, None),
    ]


def test_ragged_rows_are_reported():
    data = "email,city,country\na@b.co,Paris\nc@d.co,Lyon,France,extra\ne@f.co,Nice,France\n"
    assert rows(data) == [
        CsvRow(2, {}, "expected 3 columns, found 2"),
        CsvRow(3, {}, "expected 3 columns, found 4"),
        CsvRow(4, {"email": "e@f.co", "city": "Nice", "country": "France"}, None),
    ]


def test_blank_and_empty_rows_are_skipped():
    data = "\n\nemail,city\n\n,\n  ,  \n\r\na@b.co,Paris\n"
    assert rows(data) == [CsvRow(8, {"email": "a@b.co", "city": "Paris"}, None)]


def test_an_unclosed_quote_is_reported_not_swallowed():
    assert rows('email,city\na@b.co,"Paris\nc@d.co,Lyon\n') == [
        CsvRow(2, {}, "line 2: unexpected end of data")
    ]


def test_text_after_a_closing_quote_spoils_only_its_row():
    data = 'email,city\na@b.co,"Paris" France\nc@d.co,Lyon\ne@f.co,"5"" screen"\n'
    assert rows(data) == [
        CsvRow(2, {}, "line 2: ',' expected after '\"'"),
        CsvRow(3, {"email": "c@d.co", "city": "Lyon"}, None),
        CsvRow(4, {"email": "e@f.co", "city": '5" screen'}, None),
    ]


def test_a_quote_inside_an_unquoted_cell_is_kept():
    assert rows('email,title\na@b.co,27" screen buyer\n')[0].values["title"] == '27" screen buyer'


def test_a_giant_field_stops_the_file_with_an_error_row():
    data = 'email,city\na@b.co,Paris\nc@d.co,"' + "x" * (csv.field_size_limit() + 10)
    result = rows(data + '"\ne@f.co,Lyon\n', size=65536)
    assert result[0].error is None
    assert result[-1].line == 3
    assert result[-1].error.startswith("line 3: field larger than field limit")
    assert result[-1].error.endswith("the rest of the file was not read")


def test_a_line_without_end_stops_the_file_with_an_error_row():
    def chunks():
        yield b"email,city\na@b.co,Paris\n"
        for _ in range(300):
            yield b"x" * 4096

    result = list(CsvImportReader(chunks(), None, FIELDS))
    assert result[-1].error.startswith("line 3: a line is longer than")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\r\n  \n", "the file is empty"),
        (codecs.BOM_UTF8, "the file is empty"),
        (b",,,\na,b,c,d\n", "line 1: the header line is empty"),
        (b"\n;;\n", "line 2: the header line is empty"),
        ("prénom,nom\n".encode("latin-1"), "line 1: the header is not valid UTF-8"),
        ("email,city\n".encode("utf-16-le"), "the file looks like UTF-16 without a byte order"),
    ],
)
def test_a_missing_or_empty_header_is_a_format_error(data, message):
    with pytest.raises(CsvFormatError) as raised:
        CsvImportReader(chunked(data, 2), None, FIELDS)
    assert raised.value.message.startswith(message)


def test_explicit_mapping_wins_over_known_headers():
    mapping = {"Email": "", "Work email": "email", "Company": None, "Org": "account"}
    reader = read("Email,Work email,Company,Org,Tier\nx,a@b.co,Old,Acme,gold\n", mapping)
    assert reader.columns == {1: "email", 3: "account"}
    assert list(reader)[0].values == {"email": "a@b.co", "account": "Acme"}


def test_custom_field_headers_map_to_custom_fields():
    reader = read("custom.tier,cf_score,Custom.Region,cf_Bad Key!,custom_fields.size,cf_\n")
    assert reader.columns == {
        0: "custom_fields.tier",
        1: "custom_fields.score",
        2: "custom_fields.region",
        4: "custom_fields.size",
    }


def test_a_mapping_may_name_a_custom_field():
    reader = read("Tier,email\ngold,a@b.co\n", {"Tier": "custom_fields.tier"})
    assert list(reader) == [CsvRow(2, {"custom_fields.tier": "gold", "email": "a@b.co"}, None)]


def test_the_first_of_two_guessed_columns_wins():
    reader = read("phone,mobile,email\n+33142685300,+33612345678,a@b.co\n")
    assert reader.columns == {0: "phone", 2: "email"}


def test_a_hand_mapped_field_takes_precedence_over_a_guessed_one():
    reader = read("phone,mobile\n1,2\n", {"mobile": "phone"})
    assert reader.columns == {1: "phone"}


def test_guessed_fields_that_are_not_allowed_are_ignored():
    columns, errors = resolve_mapping(["email", "owner id", "city"], None, {"email"})
    assert (columns, errors) == ({0: "email"}, {})


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Nope": "email"}, "no column 'Nope' in the file"),
        ({"Tier": "tier"}, "column 'Tier': unknown field 'tier'"),
        ({"Tier": "custom_fields.Bad Key"}, "column 'Tier': unknown field 'custom_fields.Bad Key'"),
        ({"Tier": 3}, "column 'Tier': the field must be a name"),
        ({"Email": "email", "Tier": "email"}, "columns 'Email' and 'Tier' both map to 'email'"),
        ({5: "email"}, "no column 5 in the file"),
    ],
)
def test_a_bad_mapping_is_a_mapping_error(mapping, message):
    columns, errors = resolve_mapping(["Email", "Tier"], mapping, FIELDS)
    assert errors == {"mapping": [message]}
    with pytest.raises(MappingError) as raised:
        read("Email,Tier\na@b.co,gold\n", mapping)
    assert raised.value.errors == {"mapping": [message]}


def test_a_mapping_that_is_not_a_mapping_is_an_error():
    assert resolve_mapping(["email"], ["email"], FIELDS) == (
        {},
        {"mapping": ["must be an object of header -> field"]},
    )


def test_start_after_line_skips_rows_already_imported():
    data = 'email,notes\na@b.co,x\nc@d.co,"two\nlines"\ne@f.co,y\ng@h.co,z\n'
    assert [row.line for row in rows(data)] == [2, 3, 5, 6]
    assert [row.line for row in rows(data, start_after_line=3)] == [5, 6]
    assert [row.line for row in rows(data, start_after_line=4)] == [5, 6]
    assert [row.line for row in rows(data, start_after_line=6)] == []


def test_read_csv_returns_headers_and_rows():
    headers, found = read_csv([b"email,city\n", b"a@b.co,Paris\n"], None, FIELDS)
    assert headers == ["email", "city"]
    assert list(found) == [CsvRow(2, {"email": "a@b.co", "city": "Paris"}, None)]


def test_two_hundred_thousand_rows_are_read_in_flat_memory():
    block = "".join(
        f"Zoë{i},Lefèvre{i},user{i}@example.com,Company {i % 97}\n" for i in range(1000)
    ).encode()
    sent = 0

    def upload():
        nonlocal sent
        yield b"first_name,last_name,email,company\n"
        for _ in range(200):
            for start in range(0, len(block), 4096):
                chunk = block[start : start + 4096]
                sent += len(chunk)
                yield chunk

    tracemalloc.start()
    try:
        count = sum(1 for row in CsvImportReader(upload(), None, FIELDS) if not row.error)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert sent > 10_000_000
    assert peak < 2_000_000
