"""Probable duplicate contacts, found without comparing every contact with every other.

Blocking: each contact gets a few short keys (`blocking_keys`) that probable duplicates
share. The service keeps them in an indexed table and scores only the contacts that share
a key with the one at hand; the whole-table report (`group_duplicates`) does the same in
memory, bucket by bucket.

Scores: 100 for the same email, 95 for the same phone, and at most `FUZZY_MAX_SCORE`
for a name likeness, so that an exact identifier always ranks above a resemblance.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .normalise import clean_text, company_key

FUZZY_THRESHOLD = 85
FUZZY_MAX_SCORE = 90
# Companies this alike are taken to be one company ("acme" and "acme europe" are not).
SAME_COMPANY_THRESHOLD = 90
# Without two companies to compare, only a near-identical name is worth a look.
UNKNOWN_COMPANY_PENALTY = 10
# A bucket this large is a shared switchboard or a very common name, not a duplicate:
# comparing inside it would cost its size squared for little value.
BUCKET_CAP = 500
MAX_KEY_LENGTH = 64


@dataclass(frozen=True)
class Fingerprint:
    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    company: str | None


@dataclass(frozen=True)
class Match:
    id: str
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Person:
    """A fingerprint with its cleaned forms computed once, however often it is compared."""

    fingerprint: Fingerprint
    first: str
    last: str
    company: str
    sorted_name: str  # words in order, so a plain ratio is token_sort_ratio without the sort


def _person(fingerprint: Fingerprint) -> _Person:
    first = clean_text(fingerprint.first_name)
    last = clean_text(fingerprint.last_name)
    words = f"{first} {last}".split()
    return _Person(
        fingerprint, first, last, company_key(fingerprint.company), " ".join(sorted(words))
    )


def _keys(person: _Person) -> set[str]:
    fingerprint = person.fingerprint
    keys = set()
    if fingerprint.email:
        keys.add(f"e:{fingerprint.email}")
    if fingerprint.phone:
        keys.add(f"p:{fingerprint.phone}")
    last = person.last.replace(" ", "")
    if last and person.first:
        keys.add(f"n:{last[:3]}:{person.first[0]}")
    if last and person.company:
        # The company block catches a typo early in the last name ("Smtih" and "Smith").
        keys.add(f"c:{person.company.replace(' ', '')}:{last[0]}")
    # A cut key only puts a few more contacts in a bucket; scoring still tells them apart.
    return {key[:MAX_KEY_LENGTH] for key in keys}


def blocking_keys(fp: Fingerprint) -> set[str]:
    return _keys(_person(fp))


def _name_likeness(a: _Person, b: _Person) -> tuple[int, str] | None:
    # A lone first or last name is shared by too many people to call anyone a duplicate.
    if not (a.first and a.last and b.first and b.last):
        return None
    name = round(fuzz.ratio(a.sorted_name, b.sorted_name, score_cutoff=FUZZY_THRESHOLD))
    if not name:
        return None
    said = "same name" if name == 100 else f"similar name ({name})"
    if not (a.company and b.company):
        return name - UNKNOWN_COMPANY_PENALTY, f"{said}, company unknown"
    company = round(fuzz.token_sort_ratio(a.company, b.company))
    if company < SAME_COMPANY_THRESHOLD:
        return None
    where = "the same company" if company == 100 else f"a similar company ({company})"
    return min(name, company), f"{said} at {where}"


def _squeezed(likeness: int) -> int:
    """A likeness from FUZZY_THRESHOLD to 100 as a score up to FUZZY_MAX_SCORE, order kept."""
    span = (FUZZY_MAX_SCORE - FUZZY_THRESHOLD) / (100 - FUZZY_THRESHOLD)
    return round(FUZZY_THRESHOLD + (likeness - FUZZY_THRESHOLD) * span)


def _score(a: _Person, b: _Person) -> Match | None:
    first, second = a.fingerprint, b.fingerprint
    reasons = []
    if first.email and first.email == second.email:
        reasons.append("same email")
    if first.phone and first.phone == second.phone:
        reasons.append("same phone")
    if reasons:
        return Match(second.id, 100 if reasons[0] == "same email" else 95, tuple(reasons))
    likeness = _name_likeness(a, b)
    if likeness is None or likeness[0] < FUZZY_THRESHOLD:
        return None
    return Match(second.id, _squeezed(likeness[0]), (likeness[1],))


def score_pair(a: Fingerprint, b: Fingerprint) -> Match | None:
    """How likely b duplicates a, as a Match about b; None when it is not a duplicate."""
    return _score(_person(a), _person(b))


def _best_first(match: Match) -> tuple[int, str]:
    return -match.score, match.id


def find_duplicates(target: Fingerprint, candidates: Iterable[Fingerprint]) -> list[Match]:
    subject = _person(target)
    matches = (
        _score(subject, _person(candidate)) for candidate in candidates if candidate.id != target.id
    )
    return sorted((match for match in matches if match), key=_best_first)


def _unique_people(fingerprints: Iterable[Fingerprint]) -> list[_Person]:
    people, seen = [], set()
    for fingerprint in fingerprints:
        if fingerprint.id not in seen:
            seen.add(fingerprint.id)
            people.append(_person(fingerprint))
    return people


def _pairs(people: Sequence[_Person], bucket_cap: int) -> Iterator[tuple[int, int]]:
    keys = [_keys(person) for person in people]
    buckets: defaultdict[str, list[int]] = defaultdict(list)
    for index, own in enumerate(keys):
        for key in own:
            buckets[key].append(index)
    usable = {key for key, members in buckets.items() if 2 <= len(members) <= bucket_cap}
    for key in usable:
        members = buckets[key]
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                # Two contacts sharing several keys are compared in the first shared bucket
                # only: remembering every compared pair would cost memory for each of them.
                if min(keys[first] & keys[second] & usable) == key:
                    yield first, second


def candidate_pairs(
    fingerprints: Iterable[Fingerprint], *, bucket_cap: int = BUCKET_CAP
) -> Iterator[tuple[str, str]]:
    """The id pairs that `group_duplicates` scores: each pair once, only within buckets."""
    people = _unique_people(fingerprints)
    for first, second in _pairs(people, bucket_cap):
        yield people[first].fingerprint.id, people[second].fingerprint.id


class _Groups:
    """Union-find over contact positions, keeping each contact's best match."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.best: dict[int, Match] = {}

    def root(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def link(self, first: int, second: int, match: Match, mirror: Match) -> None:
        self.parent[self.root(first)] = self.root(second)
        for index, found in ((second, match), (first, mirror)):
            if index not in self.best or found.score > self.best[index].score:
                self.best[index] = found

    def collect(self) -> list[list[Match]]:
        groups: defaultdict[int, list[Match]] = defaultdict(list)
        for index, match in self.best.items():
            groups[self.root(index)].append(match)
        ordered = [sorted(group, key=_best_first) for group in groups.values()]
        return sorted(ordered, key=lambda group: _best_first(group[0]))


def group_duplicates(
    fingerprints: Iterable[Fingerprint], *, bucket_cap: int = BUCKET_CAP
) -> list[list[Match]]:
    """Groups of two or more probable duplicates, the most certain group first.

    Each member appears as a Match about itself carrying its best link into the group.
    A repeated id counts once.
    """
    people = _unique_people(fingerprints)
    groups = _Groups(len(people))
    for first, second in _pairs(people, bucket_cap):
        match = _score(people[first], people[second])
        if match is not None:
            mirror = Match(people[first].fingerprint.id, match.score, match.reasons)
            groups.link(first, second, match, mirror)
    return groups.collect()
