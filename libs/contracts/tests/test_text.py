"""Text no database can store: found anywhere in an input, named as marshmallow names it."""

from crm_contracts.text import NUL, SURROGATE, text_problem, unstorable


def test_nul_and_lone_surrogates_cannot_be_stored_while_any_other_text_can():
    assert text_problem("a\x00b") == NUL
    assert text_problem("a\ud800b") == SURROGATE
    for fine in ("", "plain", "Zoë Lefèbvre", "tab\tand\nnewline", "emoji 🙂", "\u0016"):
        assert text_problem(fine) is None


def test_each_bad_field_is_named_where_it_is_nested():
    data = {"first_name": "ok", "last_name": "x\x00", "n": 3, "none": None,
            "lines": [{"name": "fine"}, {"name": "\udfff"}], "custom_fields": {"k": "\x00"}}
    assert unstorable(data) == {"last_name": [NUL], "lines": {1: {"name": [SURROGATE]}},
                                "custom_fields": {"k": [NUL]}}
    assert unstorable({"fine": ["a", {"b": "c"}]}) == {}
    assert unstorable("not a container") == {}


def test_a_bad_field_name_is_named_in_a_form_that_can_be_stored():
    errors = unstorable({"sh\x00oe": 1})
    assert list(errors) == ["sh\\x00oe"]
    assert all(text_problem(key) is None for key in errors)
