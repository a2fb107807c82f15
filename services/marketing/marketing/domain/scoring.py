"""Lead scoring: points for who a contact is and for what they do, the latter fading with
a half-life, and the threshold at which a lead is handed to sales."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

FIELD, EVENT = "field", "event"
KINDS = (FIELD, EVENT)
# What a contact does that rules may score: a first open or click of a campaign mail,
# unsubscribing, a bounce, submitting a web form.
EVENTS = ("email.opened", "email.clicked", "email.unsubscribed", "email.bounced",
          "form.submitted")


@dataclass(frozen=True)
class ScoreSettings:
    threshold: int = 50
    half_life_days: float = 30.0
    decay_tick_seconds: float = 3600.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ScoreSettings:
        env = os.environ if env is None else env
        return cls(
            threshold=int(env.get("CRM_MARKETING_LEAD_THRESHOLD") or 50),
            half_life_days=float(env.get("CRM_MARKETING_SCORE_HALF_LIFE_DAYS") or 30),
            decay_tick_seconds=float(env.get("CRM_MARKETING_SCORE_DECAY_TICK_SECONDS")
                                     or 3600),
        )


def decayed(points: int, earned_at: datetime, moment: datetime, half_life_days: float) -> float:
    """What is left of points earned at a time: half of them after each half-life."""
    if half_life_days <= 0:
        return float(points)
    age_days = max((moment - earned_at).total_seconds(), 0.0) / 86400
    return points * 0.5 ** (age_days / half_life_days)


def score(field_points: int, earned: Iterable[tuple[int, datetime]], moment: datetime,
          half_life_days: float) -> int:
    behaviour = sum(decayed(points, at, moment, half_life_days) for points, at in earned)
    return round(field_points + behaviour)


def qualifies(current: int, threshold: int, qualified_before: bool) -> bool:
    """A lead is handed to sales once, when its score first reaches the threshold."""
    return not qualified_before and current >= threshold
