import random

import pytest

from contacts.domain.dedup import (
    BUCKET_CAP,
    FUZZY_THRESHOLD,
    MAX_KEY_LENGTH,
    Fingerprint,
    Match,
    blocking_keys,
    candidate_pairs,
    find_duplicates,
    group_duplicates,
    score_pair,
)


def person(id, first=None, last=None, email=None, phone=None, company=None):
    return Fingerprint(id, first, last, email, phone, company)


JOHN_AT_ACME = person("a", "John", "Smith", company="Acme")


def test_same_email_scores_100():
    match = score_pair(
        person("a", "John", "Smith", email="j@acme.com"),
        person("b", "Johnny", "Smyth", email="j@acme.com"),
    )
    assert match == Match("b", 100, ("same email",))


def test_same_phone_scores_95():
    match = score_pair(person("a", phone="+33612345678"), person("b", phone="+33612345678"))
    assert match == Match("b", 95, ("same phone",))


def test_same_email_and_phone_gives_both_reasons():
    a = person("a", email="j@acme.com", phone="+33612345678")
    b = person("b", email="j@acme.com", phone="+33612345678")
    assert score_pair(a, b) == Match("b", 100, ("same email", "same phone"))


def test_similar_name_at_the_same_company_matches():
    match = score_pair(
        person("a", "John", "Smith", company="Acme"),
        person("b", "Jon", "Smith", company="ACME Inc"),
    )
    assert match is not None
    assert match.id == "b"
    assert FUZZY_THRESHOLD <= match.score < 95
    assert match.reasons == ("similar name (95) at the same company",)


def test_same_common_name_at_another_company_does_not_match():
    a = person("a", "John", "Smith", company="Acme")
    b = person("b", "John", "Smith", company="Globex")
    assert score_pair(a, b) is None


def test_different_first_name_at_the_same_company_does_not_match():
    a = person("a", "John", "Smith", company="Acme")
    b = person("b", "Jane", "Smith", company="Acme")
    assert score_pair(a, b) is None


def test_swapped_first_and_last_name_match():
    a = person("a", "Smith", "John", company="Acme")
    b = person("b", "John", "Smith", company="Acme")
    assert score_pair(a, b).reasons == ("same name at the same company",)


def test_accents_and_case_do_not_hide_a_duplicate():
    a = person("a", "Éloïse", "D'Arc", company="Société Générale SA")
    b = person("b", "eloise", "darc", company="SOCIETE GENERALE")
    assert score_pair(a, b) is not None


def test_same_name_without_company_matches_with_a_lower_score():
    unknown = score_pair(person("a", "John", "Smith"), person("b", "John", "Smith", company="Acme"))
    known = score_pair(JOHN_AT_ACME, person("b", "John", "Smith", company="Acme"))
    assert unknown.reasons == ("same name, company unknown",)
    assert FUZZY_THRESHOLD <= unknown.score < known.score


def test_similar_name_without_company_needs_to_be_near_identical():
    assert score_pair(person("a", "Jonathan", "Smith"), person("b", "Jonathon", "Smyth")) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (person("a", None, "Smith", company="Acme"), person("b", None, "Smith", company="Acme")),
        (person("a", "John", None, company="Acme"), person("b", "John", None, company="Acme")),
        (person("a"), person("b")),
        (person("a", email="x@acme.com"), person("b", email="y@acme.com")),
    ],
)
def test_too_little_in_common_is_no_match(a, b):
    assert score_pair(a, b) is None


def test_blocking_keys():
    keys = blocking_keys(
        person("1", "Éloïse", "D'Arc", "eloise@acme.com", "+33612345678", "ACME Inc.")
    )
    assert keys == {"e:eloise@acme.com", "p:+33612345678", "n:dar:e", "c:acme:d"}


def test_blocking_keys_are_few_and_short():
    long = "x" * 300
    keys = blocking_keys(person("1", long, long, f"{long}@acme.com", "+33612345678", long))
    assert len(keys) <= 5
    assert all(len(key) <= MAX_KEY_LENGTH for key in keys)


def test_blocking_keys_of_an_empty_contact_are_empty():
    assert blocking_keys(person("1")) == set()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (JOHN_AT_ACME, person("b", "Jon", "Smith", company="ACME Inc")),
        (JOHN_AT_ACME, person("b", "John", "Smtih", company="Acme")),
        (person("a", email="j@acme.com"), person("b", "X", "Y", email="j@acme.com")),
        (person("a", phone="+33612345678"), person("b", phone="+33612345678")),
    ],
)
def test_probable_duplicates_share_a_blocking_key(a, b):
    assert score_pair(a, b) is not None
    assert blocking_keys(a) & blocking_keys(b)


def test_find_duplicates_skips_the_target_and_puts_the_best_first():
    target = person("t", "John", "Smith", "john@acme.com", "+33612345678", "Acme")
    candidates = [
        target,
        person("fuzzy", "Jon", "Smith", company="Acme Inc"),
        person("stranger", "Mary", "Jones", company="Acme"),
        person("phone", "J.", "Smith", phone="+33612345678"),
        person("email", email="john@acme.com"),
    ]
    matches = find_duplicates(target, candidates)
    assert [match.id for match in matches] == ["email", "phone", "fuzzy"]
    assert [match.score for match in matches] == sorted((m.score for m in matches), reverse=True)


def test_find_duplicates_of_nothing_is_empty():
    assert find_duplicates(person("t", "John", "Smith"), []) == []


def test_group_duplicates_links_transitively_and_sorts():
    contacts = [
        person("a", "John", "Smith", "john@acme.com", None, "Acme"),
        person("b", "Johnny", "Smith", "john@acme.com", "+33612345678", None),
        person("c", None, None, None, "+33612345678", None),
        person("d", "Mary", "Jones", None, None, "Globex"),
        person("e", "Mary", "Jones", None, None, "Globex SA"),
        person("f", "Alone", "Person", "alone@x.com", None, None),
    ]
    groups = group_duplicates(contacts)
    assert [[match.id for match in group] for group in groups] == [["a", "b", "c"], ["d", "e"]]
    assert groups[0][0] == Match("a", 100, ("same email",))
    assert groups[0][2] == Match("c", 95, ("same phone",))
    assert groups[1][0].reasons == ("same name at the same company",)


def test_contacts_sharing_several_keys_are_compared_once():
    a = person("a", "John", "Smith", "john@acme.com", "+33612345678", "Acme")
    b = person("b", "John", "Smith", "john@acme.com", "+33612345678", "Acme")
    assert len(blocking_keys(a) & blocking_keys(b)) == 4
    assert list(candidate_pairs([a, b])) == [("a", "b")]


def test_group_duplicates_counts_a_repeated_id_once():
    contact = person("a", "John", "Smith", "john@acme.com")
    assert group_duplicates([contact, contact]) == []


def test_group_duplicates_skips_giant_buckets():
    switchboard = [person(str(i), phone="+33142685300") for i in range(BUCKET_CAP + 1)]
    assert list(candidate_pairs(switchboard)) == []
    assert group_duplicates(switchboard) == []
    assert len(group_duplicates(switchboard[:3])) == 1


_FIRST_NAMES = (
    "Ahmed", "Bruno", "Chloé", "Diane", "Éloïse", "Farid", "Gaëlle", "Hugo", "Inès", "Jules",
    "Karim", "Léa", "Marie", "Noah", "Olivia", "Pierre", "Quentin", "Rosa", "Sofia", "Tom",
    "Ugo", "Victor", "Wei", "Xavier", "Yuki", "Zoë",
)  # fmt: skip


def _table(size, rng):
    """Contacts with varied names and unique emails and phones."""

    def surname():
        letters = [rng.choice("bcdfglmnprstvz"), rng.choice("aeiou"), rng.choice("bcdfglmnprstvz")]
        return "".join(letters).capitalize() + rng.choice(["in", "er", "ard", "ez", "ov", "son"])

    companies = [
        f"{surname()} {rng.choice(['Inc', 'SAS', 'Ltd', 'GmbH', ''])}" for _ in range(2000)
    ]
    return [
        person(
            f"c{i}", rng.choice(_FIRST_NAMES), surname(), f"u{i}@example.com",
            f"+3361{i:07d}", rng.choice(companies),
        )
        for i in range(size)
    ]  # fmt: skip


def test_twenty_thousand_contacts_are_grouped_without_quadratic_work():
    rng = random.Random(20_000)
    table = _table(19_700, rng)
    planted = []
    for i in range(100):
        original = table[i]
        planted.append(person(f"email{i}", "Someone", "Else", email=original.email))
        planted.append(person(f"phone{i}", phone=table[100 + i].phone))
        twin = table[200 + i]
        planted.append(
            person(
                f"fuzzy{i}", twin.first_name + "e", twin.last_name, company=f"{twin.company} Group"
            )
        )
    table += planted
    size = len(table)
    assert size == 20_000

    pairs = sum(1 for _ in candidate_pairs(table))
    # Without blocking: size * (size - 1) / 2, about 200 million comparisons.
    assert pairs < size * (size - 1) / 2 / 200

    groups = group_duplicates(table)
    linked = {frozenset(match.id for match in group) for group in groups}
    for i in range(100):
        assert any({f"c{i}", f"email{i}"} <= group for group in linked)
        assert any({f"c{100 + i}", f"phone{i}"} <= group for group in linked)
        assert any({f"c{200 + i}", f"fuzzy{i}"} <= group for group in linked)
    assert all(len(group) >= 2 for group in groups)
    best = [group[0].score for group in groups]
    assert best == sorted(best, reverse=True)
