"""Assignment rules: the first matching rule picks a team, the team's strategy a member."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

STRATEGIES = ("round_robin", "least_loaded")
CONDITIONS = ("types", "priorities", "vip", "languages", "keywords")


@dataclass(frozen=True)
class TicketFacts:
    type: str
    priority: str
    vip: bool
    language: str | None
    text: str  # subject and description


def matches(conditions: Mapping[str, Any], facts: TicketFacts) -> bool:
    """Every condition given must hold; an empty rule matches every ticket."""
    if (types := conditions.get("types")) and facts.type not in types:
        return False
    if (priorities := conditions.get("priorities")) and facts.priority not in priorities:
        return False
    if conditions.get("vip") is not None and bool(conditions["vip"]) != facts.vip:
        return False
    if languages := conditions.get("languages"):
        language = (facts.language or "").lower().split("-")[0]
        if language not in {value.lower().split("-")[0] for value in languages}:
            return False
    if keywords := conditions.get("keywords"):
        text = facts.text.lower()
        if not any(re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", text)
                   for word in keywords):
            return False
    return True


def first_match(rules: Sequence, facts: TicketFacts):
    """The first active rule, by position, whose conditions all hold (or None)."""
    for rule in sorted(rules, key=lambda r: r.position):
        if rule.active and matches(rule.conditions or {}, facts):
            return rule
    return None


def round_robin(members: Sequence[str], turn: int) -> str | None:
    """The member whose turn it is; `turn` counts the tickets the team was given."""
    return members[turn % len(members)] if members else None


def least_loaded(members: Sequence[str], open_counts: Mapping[str, int]) -> str | None:
    """The member with the fewest open tickets; ties go to the first in the team's order."""
    if not members:
        return None
    return min(members, key=lambda member: (open_counts.get(member, 0),
                                            members.index(member)))
