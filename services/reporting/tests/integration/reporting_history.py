"""A small but complete history of the platform as the services would publish it: envelopes
as they travel on the wire (plain JSON), each valid against its contract."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from crm_contracts import registry

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_ids = itertools.count(1)


def at(days: float) -> datetime:
    return START + timedelta(days=days)


def iso(moment: datetime) -> str:
    return moment.isoformat()


class History:
    def __init__(self):
        self.events: list[dict[str, Any]] = []
        self.versions: dict[str, int] = {}

    def emit(self, source: str, event_type: str, when: datetime, data: dict[str, Any]) -> dict:
        envelope = {"id": f"evt-{next(_ids):05d}", "type": event_type, "version": 1,
                    "occurred_at": iso(when), "source": source, "correlation_id": None,
                    "data": registry.dump_data(event_type, 1, data)}
        self.events.append(envelope)
        return envelope

    def _bump(self, record_id: str) -> int:
        self.versions[record_id] = self.versions.get(record_id, 0) + 1
        return self.versions[record_id]

    # --- contacts -------------------------------------------------------------------------

    def account(self, account_id: str, when: datetime, created: bool = True, **fields):
        data = {"id": account_id, "name": fields.pop("name", account_id.title()),
                "version": self._bump(account_id), "created_at": iso(fields.pop(
                    "created_at", when)), "updated_at": iso(when), **fields}
        kind = "account.created" if created else "account.updated"
        extra = {"changed_by": "admin"} if created else {"changed_fields": ["name"],
                                                        "changed_by": "admin"}
        return self.emit("contacts", kind, when, {"account": data, **extra})

    def contact(self, contact_id: str, when: datetime, created_at: datetime,
                created: bool = False, by: str = "ann", **fields):
        data = {"id": contact_id, "first_name": "Ada", "last_name": contact_id,
                "email": f"{contact_id}@example.com", "version": self._bump(contact_id),
                "created_at": iso(created_at), "updated_at": iso(when), **fields}
        if created:
            return self.emit("contacts", "contact.created", when,
                             {"contact": data, "changed_by": by})
        return self.emit("contacts", "contact.updated", when, {
            "contact": data, "changed_fields": sorted(fields), "changed_by": by})

    # --- sales ----------------------------------------------------------------------------

    def deal(self, deal_id: str, event_type: str, when: datetime, created_at: datetime,
             stage: str, status: str = "open", amount: str = "1000.00", owner: str = "ann",
             account_id: str | None = "acme", probability: int = 20, **extra):
        record = {"id": deal_id, "name": deal_id, "account_id": account_id,
                  "contact_id": extra.pop("contact_id", None), "owner_id": owner,
                  "amount": amount, "currency": "EUR",
                  "weighted_amount": str(round(float(amount) * probability / 100, 2)),
                  "probability": probability, "expected_close_date":
                      extra.pop("expected_close_date", "2026-11-15"),
                  "pipeline_id": "p1", "pipeline_name": "Sales", "stage_id": stage,
                  "stage_name": stage.title(), "status": status,
                  "source_campaign_id": extra.pop("campaign", None),
                  "stage_entered_at": iso(when),
                  "closed_at": iso(when) if status != "open" else None,
                  "version": self._bump(deal_id), "created_at": iso(created_at),
                  "updated_at": iso(when)}
        return self.emit("sales", event_type, when,
                         {"opportunity": record, "changed_by": owner, **extra})

    def moved(self, deal_id: str, when: datetime, created_at: datetime, from_stage: str,
              to_stage: str, days_in_previous: float, **kwargs):
        return self.deal(deal_id, "opportunity.stage_changed", when, created_at, to_stage,
                         from_stage_id=from_stage, from_stage_name=from_stage.title(),
                         from_pipeline_id="p1", to_stage_id=to_stage,
                         to_stage_name=to_stage.title(), changed_at=iso(when),
                         seconds_in_previous_stage=int(days_in_previous * 86400), **kwargs)

    def order(self, order_id: str, when: datetime, total: str, account_id: str = "acme"):
        money = {"subtotal": total, "discount_total": "0.00", "net_total": total,
                 "tax_total": "0.00", "total": total}
        return self.emit("sales", "order.created", when, {"order": {
            "id": order_id, "number": order_id.upper(), "quote_id": f"q-{order_id}",
            "account_id": account_id, "contact_id": None, "owner_id": "ann",
            "ordered_at": iso(when), "lines": [], "currency": "EUR", **money,
            "version": 1, "created_at": iso(when), "updated_at": iso(when)},
            "changed_by": "ann"})

    def activity(self, activity_id: str, when: datetime, assignee: str = "ann",
                 kind: str = "call", completed: datetime | None = None,
                 account_id: str = "acme"):
        record = {"id": activity_id, "type": kind, "assignee_id": assignee,
                  "account_id": account_id, "origin": "manual",
                  "completed_at": iso(completed) if completed else None,
                  "version": self._bump(activity_id), "created_at": iso(when),
                  "updated_at": iso(completed or when)}
        event_type = "activity.completed" if completed else "activity.created"
        return self.emit("sales", event_type, completed or when,
                         {"activity": record, "changed_by": assignee})

    # --- support --------------------------------------------------------------------------

    def ticket(self, ticket_id: str, event_type: str, when: datetime, created_at: datetime,
               status: str = "new", priority: str = "normal", channel: str = "email",
               responded: datetime | None = None, solved: datetime | None = None,
               breached: bool = False, account_id: str = "acme", **extra):
        record = {"id": ticket_id, "number": f"T-{ticket_id}", "channel": channel,
                  "type": "question", "priority": priority, "status": status,
                  "contact_id": None, "account_id": account_id, "team_id": "t1",
                  "assignee_id": "sam", "vip": False, "escalated": False,
                  "sla_policy_id": "sla", "first_response_minutes": 60,
                  "resolution_minutes": 480, "first_responded_at":
                      iso(responded) if responded else None,
                  "first_response_breached": breached, "resolution_breached": False,
                  "solved_at": iso(solved) if solved else None, "closed_at": None,
                  "version": self._bump(ticket_id), "created_at": iso(created_at),
                  "updated_at": iso(when)}
        return self.emit("support", event_type, when,
                         {"ticket": record, "changed_by": "sam", **extra})

    def rating(self, ticket_id: str, when: datetime, rating: int, account_id: str = "acme"):
        return self.emit("support", "csat.submitted", when, {
            "ticket_id": ticket_id, "rating": rating, "has_comment": False,
            "submitted_at": iso(when), "account_id": account_id, "channel": "email",
            "priority": "normal"})


def platform_history() -> History:
    """Two accounts, contacts becoming customers, deals won and lost through stages,
    orders, activities, tickets with and without SLA breaches, ratings."""
    h = History()
    h.account("acme", at(0), industry="software", tier="gold", owner_id="ann")
    h.account("globex", at(1), owner_id="bob")
    h.account("acme", at(2), created=False, created_at=at(0), industry="software",
              tier="gold", owner_id="ann", domain="acme.example")
    for number in range(4):
        created = at(31 + number)
        cid = f"c{number}"
        h.contact(cid, created, created, created=True, lifecycle_stage="lead",
                  account_id="acme")
        if number < 2:
            h.contact(cid, created + timedelta(days=5), created, lifecycle_stage="customer",
                      account_id="acme", title="CTO")
    # d1: won in November after two stages; d2: lost; d3: open; d4: deleted.
    h.deal("d1", "opportunity.created", at(31), at(31), "qualify")
    h.moved("d1", at(36), at(31), "qualify", "proposal", 5, probability=60)
    h.deal("d1", "opportunity.won", at(40), at(31), "proposal", status="won", probability=100,
           days_to_close=9)
    h.deal("d2", "opportunity.created", at(32), at(32), "qualify", owner="bob",
           account_id="globex", amount="500.00")
    h.deal("d2", "opportunity.lost", at(41), at(32), "qualify", status="lost", owner="bob",
           account_id="globex", amount="500.00", lost_reason="price")
    h.deal("d3", "opportunity.created", at(33), at(33), "qualify", amount="2000.00",
           campaign="camp1")
    h.moved("d3", at(38), at(33), "qualify", "proposal", 5, amount="2000.00", probability=60,
            campaign="camp1")
    h.deal("d4", "opportunity.created", at(34), at(34), "qualify")
    h.emit("sales", "opportunity.deleted", at(35), {"opportunity_id": "d4",
                                                     "changed_by": "ann"})
    h.order("o1", at(40), "1000.00")
    h.order("o2", at(10), "250.00")
    h.activity("a1", at(33))
    h.activity("a1", at(33), completed=at(34))
    h.activity("a2", at(36), assignee="bob", kind="meeting", account_id="globex")
    h.activity("a3", at(37), kind="email")
    # Tickets: one answered in an hour and solved, one breached and urgent, still open.
    h.ticket("t1", "ticket.created", at(35), at(35))
    h.ticket("t1", "ticket.status_changed", at(35.04), at(35), status="open",
             responded=at(35.04), from_status="new", to_status="open", changed_at=iso(at(35.04)))
    h.ticket("t1", "ticket.solved", at(36), at(35), status="solved", responded=at(35.04),
             solved=at(36), solved_at=iso(at(36)), first_response_met=True,
             resolution_met=True, first_response_elapsed_minutes=57.6,
             resolution_elapsed_minutes=480.0)
    h.rating("t1", at(36.5), 5)
    h.ticket("t2", "ticket.created", at(37), at(37), priority="urgent", channel="phone")
    h.ticket("t2", "ticket.sla_breached", at(37.5), at(37), priority="urgent",
             channel="phone", breached=True, target="first_response", target_minutes=60,
             due_at=iso(at(37.04)), breached_at=iso(at(37.5)))
    h.rating("t1", at(37), 2)  # the customer changed their mind: the later rating counts
    # A campaign that cost 500 EUR: two mails, one bounced, the other opened and clicked.
    h.emit("marketing", "campaign.started", at(30), {"campaign": {
        "id": "camp1", "name": "Autumn", "segment_id": "s1", "template_id": "tpl1",
        "status": "sending", "cost": "500.00", "currency": "EUR", "version": 2,
        "started_at": iso(at(30)), "created_at": iso(at(29)), "updated_at": iso(at(30))},
        "recipients": 2, "skipped_without_consent": 0})
    for person in ("r1", "r2"):
        mail = {"campaign_id": "camp1", "recipient_id": person, "contact_id": f"c-{person}",
                "message_id": f"<{person}@crm>", "at": iso(at(30.1))}
        h.emit("marketing", "email.sent", at(30.1), {**mail, "attempts": 1})
    later = {"campaign_id": "camp1", "contact_id": "c-r1", "message_id": "<r1@crm>"}
    h.emit("marketing", "email.bounced", at(30.2), {**later, "recipient_id": "r2",
                                                    "at": iso(at(30.2)), "kind": "hard"})
    h.emit("marketing", "email.opened", at(30.3), {**later, "recipient_id": "r1",
                                                   "at": iso(at(30.3)), "first": True})
    h.emit("marketing", "email.opened", at(30.4), {**later, "recipient_id": "r1",
                                                   "at": iso(at(30.4)), "first": False})
    h.emit("marketing", "email.clicked", at(30.5), {**later, "recipient_id": "r1",
                                                    "at": iso(at(30.5)), "first": True,
                                                    "url": "https://acme.example"})
    return h
