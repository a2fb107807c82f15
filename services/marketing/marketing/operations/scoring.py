"""Lead scores: kept per contact, changed by the contact's facts, by what they do, and by
time; `lead.score_changed` on every change of the whole-number score, and `lead.qualified`
once, when it first reaches the threshold (the sales service opens an opportunity)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketing.domain import scoring as rules_of
from marketing.domain import segments as segment_rules
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import ValidationFailed
from marketing.models import (
    AccountView,
    ContactView,
    LeadScore,
    Recipient,
    ScoreEntry,
    ScoringRule,
    now,
)
from marketing.operations import segments, triggers
from marketing.operations.common import (
    apply,
    check_version,
    ensure_row,
    flush,
    get_or_404,
    page,
    plain,
)

HISTORY = 50


# --- rules --------------------------------------------------------------------------------

def _check(values: dict[str, Any], custom_fields) -> None:
    kind = values["kind"]
    if kind == rules_of.FIELD:
        if not values.get("rules") or values.get("event"):
            raise ValidationFailed("a field rule has rules and no event", {
                "rules": ["required for a field rule"]} if not values.get("rules") else {
                "event": ["only for an event rule"]})
        segments.check_rules(values["rules"], custom_fields)
        if segment_rules.uses_behaviour(values["rules"]):
            raise ValidationFailed("score behaviour with event rules", {
                "rules": ["behaviour.* facts are not scored by field rules: use an event "
                          "rule"]})
    elif not values.get("event") or values.get("rules"):
        raise ValidationFailed("an event rule has an event and no rules", {
            "event": [f"one of: {', '.join(rules_of.EVENTS)}"]} if not values.get("event")
            else {"rules": ["only for a field rule"]})


def get_rule(session: Session, rule_id: str) -> ScoringRule:
    return get_or_404(session, ScoringRule, rule_id, "scoring rule")


def create_rule(uow, values: dict[str, Any], custom_fields, config: ScoreSettings
                ) -> ScoringRule:
    _check(values, custom_fields)
    rule = ScoringRule(**values)
    uow.session.add(rule)
    flush(uow.session)
    if rule.kind == rules_of.FIELD:
        rescore_everyone(uow, config, "rules changed")
    return rule


def update_rule(uow, rule_id: str, values: dict[str, Any], expected: int | None,
                custom_fields, config: ScoreSettings) -> ScoringRule:
    rule = get_rule(uow.session, rule_id)
    check_version(rule, expected)
    merged = {"kind": rule.kind, "rules": rule.rules, "event": rule.event, **values}
    _check(merged, custom_fields)
    if apply(rule, values):
        flush(uow.session)
        if rule.kind == rules_of.FIELD:
            rescore_everyone(uow, config, "rules changed")
    return rule


def delete_rule(uow, rule_id: str, expected: int | None, config: ScoreSettings) -> None:
    rule = get_rule(uow.session, rule_id)
    check_version(rule, expected)
    rule.deleted_at = rule.updated_at = now()
    rule.active = False
    flush(uow.session)
    if rule.kind == rules_of.FIELD:
        rescore_everyone(uow, config, "rules changed")


def list_rules(session: Session, values: dict[str, Any]):
    return page(session, select(ScoringRule).where(ScoringRule.deleted_at.is_(None)),
                ScoringRule, values)


def has_field_rules(session: Session) -> bool:
    return bool(_active(session, rules_of.FIELD))


def _active(session: Session, kind: str) -> list[ScoringRule]:
    return list(session.scalars(select(ScoringRule).where(
        ScoringRule.kind == kind, ScoringRule.active.is_(True),
        ScoringRule.deleted_at.is_(None))))


# --- scores -------------------------------------------------------------------------------

def _field_points(session: Session, contacts: dict[str, ContactView],
                  field_rules: list[ScoringRule]) -> dict[str, int]:
    """The points the field rules give each contact (none for a contact known only by a
    consent change, at version 0)."""
    known = [contact for contact in contacts.values() if contact.version > 0]
    if not known or not field_rules:
        return {}
    facts = segments.facts_for(session, known, behaviour=False)
    return {contact_id: sum(rule.points for rule in field_rules
                            if segment_rules.matches(rule.rules, values))
            for contact_id, values in facts.items()}


def rescore(uow, contact_id: str, config: ScoreSettings, reason: str,
            field_rules: list[ScoringRule] | None = None, moment: datetime | None = None
            ) -> int | None:
    """Bring one contact's score up to date; the new score, or None when it has none."""
    return rescore_all(uow, [contact_id], config, reason, field_rules, moment).get(contact_id)


def rescore_all(uow, contact_ids: list[str], config: ScoreSettings, reason: str,
                field_rules: list[ScoringRule] | None = None,
                moment: datetime | None = None) -> dict[str, int]:
    """rescore for several contacts, their facts, points and scores read together (a
    batch of events would otherwise read them a contact at a time); the new score of each
    that has one."""
    moment = moment or now()
    session = uow.session
    ids = sorted(set(contact_ids))
    field_rules = _active(session, rules_of.FIELD) if field_rules is None else field_rules
    # The contacts' records matter to the field rules only (and to a qualification, rare).
    contacts = segments.contact_views(session, ids) if field_rules else {}
    points = _field_points(session, contacts, field_rules)
    earned: dict[str, list[tuple[int, datetime]]] = {}
    for contact_id, entry_points, at in session.execute(
            select(ScoreEntry.contact_id, ScoreEntry.points, ScoreEntry.at)
            .where(ScoreEntry.contact_id.in_(ids))):
        earned.setdefault(contact_id, []).append((entry_points, at))
    rows = {row.contact_id: row for row in session.scalars(
        select(LeadScore).where(LeadScore.contact_id.in_(ids)))}
    scores, changed = {}, []
    for contact_id in ids:
        current = rules_of.score(points.get(contact_id, 0), earned.get(contact_id, ()),
                                 moment, config.half_life_days)
        row = rows.get(contact_id)
        if row is None:
            if current == 0 and contact_id not in earned:
                continue
            row = ensure_row(session, LeadScore, contact_id, score=0, field_points=0,
                             updated_at=moment)
        scores[contact_id] = current
        recorded = _record(uow, row, current, points.get(contact_id, 0), reason, moment)
        if recorded is None:
            continue  # another worker's rescore came first: it qualifies, if anyone does
        if recorded:
            changed.append(contact_id)
        if rules_of.qualifies(current, config.threshold, row.qualified_at is not None):
            contact = contacts.get(contact_id) or session.get(ContactView, contact_id)
            _qualify(uow, contact, contact_id, current, config, moment)
    if changed and segments.dynamic_segments(session, behaviour_only=True):
        segments.refresh_contacts(uow, changed, behaviour_only=True)
    return scores


def _record(uow, row: LeadScore, current: int, field_points: int, reason: str,
            moment: datetime) -> bool | None:
    """Store a contact's new score: whether its whole-number score changed (then
    `lead.score_changed` is emitted), or None when another worker changed it first."""
    previous = row.score
    if current == previous and field_points == row.field_points:
        return False
    # Conditional: of two workers rescoring at once, one reports the change.
    result = uow.session.execute(
        update(LeadScore).where(LeadScore.contact_id == row.contact_id,
                                LeadScore.score == previous)
        .values(score=current, field_points=field_points, updated_at=moment)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    if current == previous:
        return False
    uow.emit("lead.score_changed", {"contact_id": row.contact_id, "score": current,
                                    "previous": previous, "reason": reason[:200],
                                    "at": moment})
    return True


def _qualify(uow, contact: ContactView | None, contact_id: str, current: int,
             config: ScoreSettings, moment: datetime) -> None:
    campaign_id = last_touch(uow.session, contact_id)
    result = uow.session.execute(
        update(LeadScore).where(LeadScore.contact_id == contact_id,
                                LeadScore.qualified_at.is_(None))
        .values(qualified_at=moment, qualified_campaign_id=campaign_id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return
    account = uow.session.get(AccountView, contact.account_id) \
        if contact is not None and contact.account_id else None
    uow.emit("lead.qualified", {
        "contact_id": contact_id, "account_id": contact.account_id if contact else None,
        "owner_id": (account.owner_id if account and account.owner_id else None)
        or (contact.owner_id if contact else None),
        "score": current, "threshold": config.threshold,
        "campaign_id": campaign_id, "qualified_at": moment})
    triggers.enrol(uow, "lead.qualified", [contact_id])


def last_touch(session: Session, contact_id: str, before: datetime | None = None
               ) -> str | None:
    """The campaign this contact last opened or clicked (before a time)."""
    return _touch(session, contact_id, before, Recipient.opened_at.desc())


def first_touch(session: Session, contact_id: str, before: datetime | None = None
                ) -> str | None:
    """The campaign this contact first opened or clicked (before a time)."""
    return _touch(session, contact_id, before, Recipient.opened_at.asc())


def _touch(session: Session, contact_id: str, before: datetime | None, order) -> str | None:
    query = select(Recipient.campaign_id).where(Recipient.contact_id == contact_id,
                                                Recipient.opened_at.is_not(None))
    if before is not None:
        query = query.where(Recipient.opened_at <= before)
    row = session.execute(query.order_by(order).limit(1)).first()
    return row[0] if row else None


def record_event(uow, contact_id: str, event: str, campaign_id: str | None,
                 config: ScoreSettings) -> None:
    """Points for each active rule on this event, then the contact's new score."""
    event_rules = [rule for rule in _active(uow.session, rules_of.EVENT)
                   if rule.event == event]
    if not event_rules:
        return
    moment = now()
    for rule in event_rules:
        uow.session.add(ScoreEntry(contact_id=contact_id, rule_id=rule.id,
                                   rule_name=rule.name, event=event, campaign_id=campaign_id,
                                   points=rule.points, at=moment))
    flush(uow.session)
    rescore(uow, contact_id, config, event_rules[0].name, moment=moment)


def rescore_everyone(uow, config: ScoreSettings, reason: str) -> None:
    """After the field rules changed: every known contact, a batch at a time."""
    field_rules = _active(uow.session, rules_of.FIELD)
    last = ""
    while True:
        ids = uow.session.scalars(select(ContactView.id).where(ContactView.id > last)
                                  .order_by(ContactView.id).limit(1000)).all()
        if not ids:
            return
        rescore_all(uow, ids, config, reason, field_rules)
        last = ids[-1]


def decay(uow, config: ScoreSettings, moment: datetime | None = None) -> int:
    """Let earned points fade: rescore the contacts that earned some."""
    moment = moment or now()
    field_rules = _active(uow.session, rules_of.FIELD)
    ids = uow.session.scalars(select(ScoreEntry.contact_id).distinct()).all()
    for start in range(0, len(ids), 1000):
        rescore_all(uow, ids[start:start + 1000], config, "decay", field_rules, moment)
    return len(ids)


def forget(uow, contact_id: str) -> None:
    row = uow.session.get(LeadScore, contact_id)
    if row is not None:
        uow.session.delete(row)
    for entry in uow.session.scalars(select(ScoreEntry).where(
            ScoreEntry.contact_id == contact_id)):
        uow.session.delete(entry)
    flush(uow.session)


def lead_score(session: Session, contact_id: str, config: ScoreSettings) -> dict[str, Any]:
    row = session.get(LeadScore, contact_id)
    history = session.scalars(select(ScoreEntry).where(ScoreEntry.contact_id == contact_id)
                              .order_by(ScoreEntry.at.desc()).limit(HISTORY)).all()
    return score_data(contact_id, row, history, config)


def score_data(contact_id: str, row: LeadScore | None, history: list[ScoreEntry],
               config: ScoreSettings) -> dict[str, Any]:
    """A contact's score (0 before anything scored), with its latest entries first."""
    return plain({
        "contact_id": contact_id, "score": row.score if row else 0,
        "field_points": row.field_points if row else 0, "threshold": config.threshold,
        "qualified_at": row.qualified_at if row else None,
        "updated_at": row.updated_at if row else None,
        "history": [{"rule_id": e.rule_id, "rule_name": e.rule_name, "event": e.event,
                     "campaign_id": e.campaign_id, "points": e.points, "at": e.at}
                    for e in history],
    })


def rule_data(rule: ScoringRule) -> dict[str, Any]:
    return plain({"id": rule.id, "name": rule.name, "kind": rule.kind, "rules": rule.rules,
                  "event": rule.event, "points": rule.points, "active": rule.active,
                  "version": rule.version, "created_at": rule.created_at,
                  "updated_at": rule.updated_at})
