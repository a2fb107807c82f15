"""SLA policy choice, ticket transitions, assignment rules and survey tokens."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from support.domain import assignment, sla, surveys
from support.domain.business_time import Calendar
from support.domain.tickets import (
    ALLOWED,
    STATUSES,
    check_transition,
    number_in_subject,
    parse_number,
)
from support.exceptions import InvalidTransition

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


@dataclass
class Policy:
    priority: str
    tier: str


@dataclass
class Rule:
    position: int
    conditions: dict = field(default_factory=dict)
    active: bool = True


def facts(**kwargs) -> assignment.TicketFacts:
    values = {"type": "question", "priority": "normal", "vip": False, "language": "en",
              "text": "My printer is on fire"}
    return assignment.TicketFacts(**{**values, **kwargs})


def test_vip_tier_policies_win_and_fall_back_to_default():
    policies = [Policy("high", "default"), Policy("high", "vip"), Policy("low", "default")]
    assert sla.select_policy(policies, "high", sla.tier_of("vip")).tier == "vip"
    assert sla.select_policy(policies, "low", sla.tier_of("vip")).tier == "default"
    assert sla.select_policy(policies, "high", sla.tier_of("gold")).tier == "default"
    assert sla.select_policy(policies, "urgent", "default") is None


def test_escalation_raises_priority_one_step():
    assert [sla.raised(p) for p in sla.PRIORITIES] == ["normal", "high", "urgent", "urgent"]


def test_target_states():
    office = Calendar.from_data("UTC", {"thu": [["09:00", "18:00"]]})
    clock = sla.Clock(office, NOW - timedelta(hours=2))
    running = sla.target_state(clock, 60, NOW, None, None, None)
    assert running["status"] == "breached" and running["remaining_minutes"] == -60
    met = sla.target_state(clock, 180, NOW, NOW, 120.0, None)
    assert met["status"] == "met" and met["due_at"] is None
    assert sla.target_state(clock, None, NOW, None, None, None)["status"] == "none"


@pytest.mark.parametrize("current", STATUSES)
def test_every_transition_follows_the_table(current):
    for wanted in STATUSES:
        if wanted == current or wanted in ALLOWED[current]:
            check_transition(current, wanted)
        else:
            with pytest.raises(InvalidTransition):
                check_transition(current, wanted)


def test_closed_is_final_and_solved_can_reopen():
    with pytest.raises(InvalidTransition, match="final"):
        check_transition("closed", "open")
    check_transition("solved", "open")


def test_ticket_numbers_are_read_from_subjects_and_references():
    assert number_in_subject("Re: printer [T-1042] again") == 1042
    assert number_in_subject("no tag T-1042") is None
    assert parse_number("t-7") == 7 and parse_number("7") is None


def test_rules_match_every_condition_given():
    assert assignment.matches({}, facts())
    assert assignment.matches({"types": ["question"], "vip": False}, facts())
    assert not assignment.matches({"priorities": ["urgent"]}, facts())
    assert assignment.matches({"vip": True}, facts(vip=True))
    assert not assignment.matches({"vip": True}, facts())
    assert assignment.matches({"languages": ["de"]}, facts(language="de-AT"))
    assert not assignment.matches({"languages": ["de"]}, facts(language=None))
    assert assignment.matches({"keywords": ["PRINTER"]}, facts())
    assert not assignment.matches({"keywords": ["print"]}, facts())  # whole words


def test_the_first_active_rule_by_position_wins():
    rules = [Rule(20, {"keywords": ["fire"]}), Rule(10, {"priorities": ["urgent"]}),
             Rule(5, {}, active=False)]
    assert assignment.first_match(rules, facts()).position == 20
    assert assignment.first_match(rules, facts(priority="urgent")).position == 10
    assert assignment.first_match(rules[1:], facts()) is None


def test_round_robin_and_least_loaded():
    members = ["amy", "bob", "cat"]
    assert [assignment.round_robin(members, turn) for turn in range(4)] == [
        "amy", "bob", "cat", "amy"]
    assert assignment.least_loaded(members, {"amy": 3, "bob": 1, "cat": 1}) == "bob"
    assert assignment.least_loaded(members, {}) == "amy"
    assert assignment.round_robin([], 3) is None and assignment.least_loaded([], {}) is None


def test_survey_tokens_are_signed_and_expire():
    token = surveys.issue("secret", "t-1", NOW, timedelta(days=14))
    assert surveys.verify("secret", token, NOW).ticket_id == "t-1"
    with pytest.raises(surveys.ForgedToken):
        surveys.verify("other secret", token, NOW)
    ticket, expiry, signature = token.split(".")
    with pytest.raises(surveys.ForgedToken):
        surveys.verify("secret", f"t-2.{expiry}.{signature}", NOW)
    with pytest.raises(surveys.ForgedToken):
        surveys.verify("secret", f"{ticket}.{int(expiry) + 999}.{signature}", NOW)
    with pytest.raises(surveys.ForgedToken):
        surveys.verify("secret", "garbage", NOW)
    with pytest.raises(surveys.ExpiredToken):
        surveys.verify("secret", token, NOW + timedelta(days=15))
