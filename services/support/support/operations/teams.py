"""Teams, assignment rules, and the choice of a team and an agent for a ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm_chassis.db import serialise_on
from support.domain import assignment
from support.domain.tickets import OPEN_STATUSES
from support.exceptions import Conflict, ValidationFailed
from support.models import AssignmentRule, Team, Ticket
from support.operations.common import apply, check_version, flush, get_or_404, plain


def team_data(team: Team) -> dict[str, Any]:
    return plain({"id": team.id, "name": team.name, "members": list(team.members or []),
                  "strategy": team.strategy, "manager_id": team.manager_id,
                  "is_default": team.is_default, "version": team.version,
                  "created_at": team.created_at, "updated_at": team.updated_at})


def rule_data(rule: AssignmentRule) -> dict[str, Any]:
    return plain({"id": rule.id, "name": rule.name, "position": rule.position,
                  "team_id": rule.team_id, "active": rule.active,
                  "conditions": rule.conditions or {}, "version": rule.version,
                  "created_at": rule.created_at, "updated_at": rule.updated_at})


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def get_team(session: Session, team_id: str) -> Team:
    return get_or_404(session, Team, team_id, "team")


def default_team(session: Session) -> Team | None:
    return session.scalar(select(Team).where(Team.is_default.is_(True)))


def create_team(uow, data: dict[str, Any]) -> Team:
    data["members"] = list(dict.fromkeys(data.get("members") or []))
    team = Team(**data, turns=0, is_default=False)
    uow.session.add(team)
    flush(uow.session)
    return team


def update_team(uow, team_id: str, data: dict[str, Any], expected_version: int | None) -> Team:
    team = get_team(uow.session, team_id)
    check_version(team, expected_version)
    if "members" in data:
        data["members"] = list(dict.fromkeys(data["members"]))
    apply(team, data)
    flush(uow.session)
    return team


def delete_team(uow, team_id: str, expected_version: int | None) -> None:
    team = get_team(uow.session, team_id)
    check_version(team, expected_version)
    if team.is_default:
        raise Conflict("the default team cannot be deleted")
    if uow.session.scalar(select(AssignmentRule.id).where(AssignmentRule.team_id == team.id)):
        raise Conflict("assignment rules send tickets to this team: change them first")
    uow.session.delete(team)
    flush(uow.session)


def list_rules(session: Session) -> list[AssignmentRule]:
    return list(session.scalars(select(AssignmentRule).order_by(AssignmentRule.position,
                                                                AssignmentRule.created_at)))


def get_rule(session: Session, rule_id: str) -> AssignmentRule:
    return get_or_404(session, AssignmentRule, rule_id, "assignment rule")


def _compact(conditions: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in conditions.items() if value not in (None, [], "")}


def create_rule(uow, data: dict[str, Any]) -> AssignmentRule:
    _existing_team(uow.session, data["team_id"])
    if data.get("position") is None:
        last = uow.session.scalar(select(func.max(AssignmentRule.position)))
        data["position"] = (last or 0) + 10
    data["conditions"] = _compact(data.get("conditions") or {})
    rule = AssignmentRule(**data)
    uow.session.add(rule)
    flush(uow.session)
    return rule


def update_rule(uow, rule_id: str, data: dict[str, Any],
                expected_version: int | None) -> AssignmentRule:
    rule = get_rule(uow.session, rule_id)
    check_version(rule, expected_version)
    if "team_id" in data:
        _existing_team(uow.session, data["team_id"])
    if "conditions" in data:
        data["conditions"] = _compact(data["conditions"] or {})
    apply(rule, data)
    flush(uow.session)
    return rule


def delete_rule(uow, rule_id: str) -> None:
    uow.session.delete(get_rule(uow.session, rule_id))
    flush(uow.session)


def _existing_team(session: Session, team_id: str) -> None:
    if session.get(Team, team_id) is None:
        raise ValidationFailed("no such team", {"team_id": [f"no team {team_id}"]})


def choose(session: Session, ticket: Ticket) -> tuple[Team | None, str | None, Any]:
    """The team of the first matching rule (else the default team), and its agent."""
    facts = assignment.TicketFacts(type=ticket.type, priority=ticket.priority, vip=ticket.vip,
                                   language=ticket.language,
                                   text=f"{ticket.subject} {ticket.description or ''}")
    rule = assignment.first_match(list_rules(session), facts)
    team = session.get(Team, rule.team_id) if rule else default_team(session)
    if team is None:
        return None, None, rule
    return team, pick_member(session, team), rule


def pick_member(session: Session, team: Team) -> str | None:
    members = list(team.members or [])
    if not members:
        return None
    if team.strategy == "least_loaded":
        # Tickets created at once would all count the same loads and land on one agent:
        # each waits here for the one before to commit, then counts it too.
        serialise_on(session, f"least-loaded:{team.id}")
        counts = dict(session.execute(
            select(Ticket.assignee_id, func.count()).where(
                Ticket.assignee_id.in_(members), Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.assignee_id)).all())
        return assignment.least_loaded(members, counts)
    # The UPDATE takes the team row's lock: concurrent tickets get successive turns.
    turn = session.execute(update(Team).where(Team.id == team.id)
                           .values(turns=Team.turns + 1).returning(Team.turns)
                           .execution_options(synchronize_session=False)).scalar_one()
    return assignment.round_robin(members, turn - 1)
