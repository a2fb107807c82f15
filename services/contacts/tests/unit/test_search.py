from contacts.domain.search import MAX_TERMS, search_terms, search_text


def test_search_text_is_lower_case_and_accent_free():
    text = search_text("Zoë", "Lefèvre-D'Arc", "Zoe.L@ACME.fr", "ACME Société")
    assert text == "zoe lefevre darc zoel acmefr acme societe"


def test_search_text_skips_missing_parts():
    assert search_text(None, "Smith", None, "") == "smith"
    assert search_text(None, None, None, None) == ""


def test_every_term_of_a_query_is_found_in_the_matching_text():
    text = search_text("Éloïse", "D'Arc", "eloise.darc@acme.com", "ACME")
    for query in ["eloise", "ÉLOÏSE d'arc", "darc", "acme.com", "eloise.darc@acme", "  Arc  "]:
        terms = search_terms(query)
        assert terms
        assert all(term in text for term in terms), query


def test_search_terms_drops_empty_and_repeated_terms_and_keeps_five():
    assert search_terms("  --  ,, ") == []
    assert search_terms("john JOHN john") == ["john"]
    assert search_terms("a b c d e f g") == ["a", "b", "c", "d", "e"][:MAX_TERMS]


def test_search_terms_of_nothing_is_empty():
    assert search_terms("") == []
    assert search_terms(None) == []
