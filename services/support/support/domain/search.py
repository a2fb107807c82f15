"""Words of a text for the knowledge base's portable search (SQLite), and its ranking.

PostgreSQL ranks with its own full text search; elsewhere an article keeps its words as
one space-separated lowercase string and a query matches words in it.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "i", "in", "is", "it", "my", "me", "no", "not", "of", "on", "or",
    "our", "so", "that", "the", "their", "there", "this", "to", "was", "we", "what", "when",
    "where", "which", "who", "why", "will", "with", "you", "your", "hi", "hello", "thanks",
    "thank", "please", "re", "fw", "fwd",
))


def words(text: str) -> list[str]:
    """Lowercase words without accents or stop words, in order, each once."""
    folded = unicodedata.normalize("NFKD", (text or "").lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    seen: dict[str, None] = {}
    for word in _WORD.findall(folded):
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


def indexed_text(title: str, body: str) -> str:
    """What the SQLite fallback searches: ` word word word ` (spaces bound each word)."""
    return " " + " ".join(words(f"{title} {body}")) + " "


def score(query_words: list[str], title: str, body: str) -> float:
    """More query words found scores higher; a word in the title counts double."""
    title_words, body_words = set(words(title)), set(words(body))
    return float(sum(2 if word in title_words else 1 if word in body_words else 0
                     for word in query_words))
