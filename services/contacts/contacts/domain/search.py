"""Text search over contacts: one cleaned string per contact, matched term by term.

The service stores `search_text` in an indexed column and keeps the contacts whose text
contains every term of `search_terms(query)`. Both sides go through the same cleaning,
so "Zoë", "zoe" and "ZOE" find each other, and so do "d'arc" and "darc".
"""

from .normalise import clean_text

MAX_TERMS = 5


def search_text(
    first_name: str | None, last_name: str | None, email: str | None, company: str | None
) -> str:
    parts = (clean_text(part) for part in (first_name, last_name, email, company))
    return " ".join(part for part in parts if part)


def search_terms(query: str) -> list[str]:
    if not isinstance(query, str):
        return []
    terms: list[str] = []
    for term in clean_text(query).split():
        if term not in terms:
            terms.append(term)
    # Each term is one more condition on the index scan: a long paste should not cost more.
    return terms[:MAX_TERMS]
