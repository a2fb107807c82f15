"""A generated history of the platform for the reporting bench: the events the services
would have published over two years, as they sit in each service's outbox (its event log).

At scale 1.0: 1,000,000 contacts (and 50,000 accounts), 200,000 opportunities moved through
stages and won or lost, with their orders, 200,000 tickets answered, solved and rated,
100,000 activities and a few campaigns' mails, about 2.6 million events in all. Each
envelope is written in its wire form (JSON, as the outbox holds it); the rebuild validates
every one against its contract, so a malformed one would show as skipped.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bench.data import copy_rows
from crm_chassis.outbox import OutboxEvent

DAYS = 730  # the history spans two years up to the bench's start
REPS = [f"rep-{n:02d}" for n in range(1, 21)]
AGENTS = [f"agent-{n:02d}" for n in range(1, 16)]
TEAMS = ["team-1st-line", "team-2nd-line", "team-billing"]
# (id, name, default probability) of the one pipeline's stages, in order
STAGES = [("st-qualify", "Qualify", 20), ("st-proposal", "Proposal", 60),
          ("st-negotiate", "Negotiate", 80)]
CHANNELS = ("email", "email", "web_form", "phone", "api")
PRIORITIES = ("low", "normal", "normal", "high", "urgent")
CHUNK = 20_000  # entities whose events are generated, sorted by time and written together


def iso(moment: datetime) -> str:
    return moment.isoformat()


@dataclass
class Counts:
    """How many of each kind the history holds at a scale."""

    contacts: int
    accounts: int
    opportunities: int
    tickets: int
    activities: int
    campaigns: int
    mails: int

    @classmethod
    def at(cls, scale: float) -> Counts:
        def n(full: int) -> int:
            return max(1, round(full * scale))
        return cls(contacts=n(1_000_000), accounts=n(50_000), opportunities=n(200_000),
                   tickets=n(200_000), activities=n(100_000), campaigns=max(2, n(12)),
                   mails=n(20_000))


@dataclass
class Written:
    events: dict[str, int] = field(default_factory=dict)  # per source

    @property
    def total(self) -> int:
        return sum(self.events.values())


class History:
    """Envelopes of one kind of record at a time, `CHUNK` records at once, in time order
    within each chunk (a real log is in time order; across kinds order does not matter to
    the read models, which the reporting tests prove)."""

    def __init__(self, counts: Counts, now: datetime, seed: int = 5):
        self.counts = counts
        self.now = now
        self.start = now - timedelta(days=DAYS)
        self.rng = random.Random(seed)
        self.account_ids = [f"acc-{n:07d}" for n in range(counts.accounts)]
        self.campaign_ids = [f"camp-{n:03d}" for n in range(counts.campaigns)]

    # --- envelopes ------------------------------------------------------------------------

    def _event_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def envelope(self, source: str, event_type: str, when: datetime,
                 data: dict[str, Any]) -> dict[str, Any]:
        return {"id": self._event_id(), "type": event_type, "version": 1,
                "occurred_at": when, "source": source, "correlation_id": None, "data": data}

    def _moment(self, index: int, total: int) -> datetime:
        """Records spread evenly over the history, a little jitter around their place."""
        position = (index + self.rng.random()) / total
        return self.start + timedelta(days=DAYS * position)

    def _later(self, moment: datetime, low_hours: float, high_hours: float) -> datetime | None:
        later = moment + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        return later if later < self.now else None

    # --- contacts -------------------------------------------------------------------------

    def accounts(self, first: int, last: int) -> Iterator[tuple[str, dict]]:
        for n in range(first, last):
            when = self._moment(n, self.counts.accounts)
            record = {"id": self.account_ids[n], "name": f"Company {n}", "version": 1,
                      "owner_id": self.rng.choice(REPS), "industry": "software",
                      "tier": self.rng.choice(("standard", "gold", "vip")),
                      "created_at": iso(when), "updated_at": iso(when)}
            yield "contacts", self.envelope("contacts", "account.created", when,
                                            {"account": record, "changed_by": record["owner_id"]})

    def contacts(self, first: int, last: int) -> Iterator[tuple[str, dict]]:
        for n in range(first, last):
            yield from self._contact(n, self._moment(n, self.counts.contacts))

    def _contact(self, n: int, when: datetime) -> Iterator[tuple[str, dict]]:
        lead = self.rng.random() < 0.4
        record = {"id": f"con-{n:08d}", "first_name": "Ada", "last_name": f"Person{n}",
                  "email": f"person{n}@bench.example.com", "version": 1,
                  "account_id": self.rng.choice(self.account_ids),
                  "owner_id": self.rng.choice(REPS),
                  "lifecycle_stage": "lead" if lead else "subscriber",
                  "created_at": iso(when), "updated_at": iso(when)}
        yield "contacts", self.envelope("contacts", "contact.created", when,
                                        {"contact": record, "changed_by": record["owner_id"]})
        converted = lead and self.rng.random() < 0.1 and self._later(when, 24 * 5, 24 * 90)
        if converted:
            record = {**record, "version": 2, "lifecycle_stage": "customer",
                      "updated_at": iso(converted)}
            yield "contacts", self.envelope("contacts", "contact.updated", converted, {
                "contact": record, "changed_fields": ["lifecycle_stage"],
                "changed_by": record["owner_id"]})

    # --- sales ----------------------------------------------------------------------------

    def opportunities(self, first: int, last: int) -> Iterator[tuple[str, dict]]:
        for n in range(first, last):
            yield from self._deal(f"opp-{n:07d}", self._moment(n, self.counts.opportunities))

    def _deal(self, deal_id: str, created: datetime) -> Iterator[tuple[str, dict]]:
        rng = self.rng
        amount = rng.randrange(500, 50_000)
        record = {"id": deal_id, "name": f"Deal {deal_id}", "owner_id": rng.choice(REPS),
                  "account_id": rng.choice(self.account_ids), "contact_id": None,
                  "amount": f"{amount}.00", "currency": "EUR", "pipeline_id": "pl-sales",
                  "pipeline_name": "Sales", "status": "open",
                  "expected_close_date": (created + timedelta(days=60)).date().isoformat(),
                  "source_campaign_id": rng.choice(self.campaign_ids)
                  if rng.random() < 0.2 else None, "closed_at": None,
                  "created_at": iso(created), "version": 0}

        def state(stage: int, when: datetime, **changes) -> dict:
            stage_id, name, probability = STAGES[stage]
            record.update(stage_id=stage_id, stage_name=name, updated_at=iso(when),
                          version=record["version"] + 1, **changes)
            probability = changes.get("probability", probability)
            record.update(probability=probability,
                          weighted_amount=f"{amount * probability / 100:.2f}")
            return {"opportunity": dict(record), "changed_by": record["owner_id"]}

        data = state(0, created, stage_entered_at=iso(created))
        yield "sales", self.envelope("sales", "opportunity.created", created, data)
        stage, entered = 0, created
        while stage + 1 < len(STAGES) and rng.random() < 0.55:
            moved = self._later(entered, 24, 24 * 30)
            if moved is None:
                break
            data = state(stage + 1, moved, stage_entered_at=iso(moved))
            yield "sales", self.envelope("sales", "opportunity.stage_changed", moved, {
                **data, "from_stage_id": STAGES[stage][0], "from_stage_name": STAGES[stage][1],
                "from_pipeline_id": "pl-sales", "to_stage_id": STAGES[stage + 1][0],
                "to_stage_name": STAGES[stage + 1][1], "changed_at": iso(moved),
                "seconds_in_previous_stage": int((moved - entered).total_seconds())})
            stage, entered = stage + 1, moved
        closed = rng.random() < 0.85 and self._later(entered, 24, 24 * 45)
        if not closed:
            return
        won = rng.random() < 0.3 + 0.15 * stage
        days = (closed - created).days
        if won:
            data = state(stage, closed, status="won", probability=100, closed_at=iso(closed))
            yield "sales", self.envelope("sales", "opportunity.won", closed,
                                         {**data, "days_to_close": days})
            yield "sales", self._order(record, closed)
        else:
            data = state(stage, closed, status="lost", probability=0, closed_at=iso(closed))
            yield "sales", self.envelope("sales", "opportunity.lost", closed, {
                **data, "lost_reason": rng.choice(("price", "competitor", "no decision"))})

    def _order(self, deal: dict, when: datetime) -> dict:
        total = deal["amount"]
        order = {"id": f"ord-{deal['id']}", "number": f"SO-{deal['id'][4:]}",
                 "quote_id": f"quo-{deal['id']}", "account_id": deal["account_id"],
                 "contact_id": None, "owner_id": deal["owner_id"], "ordered_at": iso(when),
                 "lines": [], "currency": "EUR", "subtotal": total, "discount_total": "0.00",
                 "net_total": total, "tax_total": "0.00", "total": total, "version": 1,
                 "created_at": iso(when), "updated_at": iso(when)}
        return self.envelope("sales", "order.created", when,
                             {"order": order, "changed_by": deal["owner_id"]})

    def activities(self, first: int, last: int) -> Iterator[tuple[str, dict]]:
        for n in range(first, last):
            when = self._moment(n, self.counts.activities)
            record = {"id": f"act-{n:07d}", "type": self.rng.choice(("call", "meeting", "task",
                                                                     "email")),
                      "assignee_id": self.rng.choice(REPS),
                      "account_id": self.rng.choice(self.account_ids), "origin": "manual",
                      "completed_at": None, "version": 1, "created_at": iso(when),
                      "updated_at": iso(when)}
            yield "sales", self.envelope("sales", "activity.created", when,
                                         {"activity": record, "changed_by": "rep-01"})
            done = self.rng.random() < 0.6 and self._later(when, 1, 24 * 14)
            if done:
                record = {**record, "completed_at": iso(done), "version": 2,
                          "updated_at": iso(done)}
                yield "sales", self.envelope("sales", "activity.completed", done,
                                             {"activity": record, "changed_by": "rep-01"})

    # --- support --------------------------------------------------------------------------

    def tickets(self, first: int, last: int) -> Iterator[tuple[str, dict]]:
        for n in range(first, last):
            yield from self._ticket(f"tic-{n:07d}", self._moment(n, self.counts.tickets), n)

    def _ticket(self, ticket_id: str, created: datetime, n: int) -> Iterator[tuple[str, dict]]:
        rng = self.rng
        agent = rng.choice(AGENTS)
        record = {"id": ticket_id, "number": f"T-{n:07d}", "channel": rng.choice(CHANNELS),
                  "type": "question", "priority": rng.choice(PRIORITIES), "status": "new",
                  "contact_id": None, "account_id": rng.choice(self.account_ids),
                  "team_id": rng.choice(TEAMS), "assignee_id": agent, "vip": False,
                  "escalated": False, "sla_policy_id": "sla-standard",
                  "first_response_minutes": 60, "resolution_minutes": 480,
                  "first_responded_at": None, "first_response_breached": False,
                  "resolution_breached": False, "solved_at": None, "closed_at": None,
                  "version": 1, "created_at": iso(created), "updated_at": iso(created)}

        def state(when: datetime, **changes) -> dict:
            record.update(version=record["version"] + 1, updated_at=iso(when), **changes)
            return {"ticket": dict(record), "changed_by": agent}

        yield "support", self.envelope("support", "ticket.created", created,
                                       {"ticket": dict(record), "changed_by": agent})
        responded = self._later(created, 0.05, 1.2)
        if responded is None:
            return
        breached = (responded - created) > timedelta(hours=1)
        if breached:
            data = state(created + timedelta(hours=1), first_response_breached=True)
            yield "support", self.envelope("support", "ticket.sla_breached",
                                           created + timedelta(hours=1), {
                **data, "target": "first_response", "target_minutes": 60,
                "due_at": iso(created + timedelta(hours=1)),
                "breached_at": iso(created + timedelta(hours=1))})
        data = state(responded, status="open", first_responded_at=iso(responded))
        yield "support", self.envelope("support", "ticket.status_changed", responded, {
            **data, "from_status": "new", "to_status": "open", "changed_at": iso(responded)})
        solved = rng.random() < 0.95 and self._later(responded, 1, 24 * 5)
        if not solved:
            return
        minutes = (solved - created).total_seconds() / 60
        data = state(solved, status="solved", solved_at=iso(solved))
        yield "support", self.envelope("support", "ticket.solved", solved, {
            **data, "solved_at": iso(solved), "first_response_met": not breached,
            "resolution_met": minutes <= 480,
            "first_response_elapsed_minutes": round((responded - created).total_seconds() / 60,
                                                    1),
            "resolution_elapsed_minutes": round(minutes, 1)})
        rated = rng.random() < 0.3 and self._later(solved, 1, 48)
        if rated:
            yield "support", self.envelope("support", "csat.submitted", rated, {
                "ticket_id": ticket_id, "rating": rng.choice((2, 3, 4, 4, 5, 5, 5)),
                "has_comment": False, "submitted_at": iso(rated),
                "account_id": record["account_id"], "channel": record["channel"],
                "priority": record["priority"]})

    # --- marketing ------------------------------------------------------------------------

    def campaigns(self, first: int, last: int) -> Iterator[tuple[str, dict]]:
        per_campaign = max(1, self.counts.mails // self.counts.campaigns)
        for n in range(first, last):
            campaign_id = self.campaign_ids[n]
            started = self._moment(n, self.counts.campaigns)
            yield "marketing", self.envelope("marketing", "campaign.started", started, {
                "campaign": {"id": campaign_id, "name": f"Campaign {n}", "segment_id": "seg-1",
                             "template_id": "tpl-1", "status": "sending", "cost": "2000.00",
                             "currency": "EUR", "version": 2, "started_at": iso(started),
                             "created_at": iso(started - timedelta(days=3)),
                             "updated_at": iso(started)},
                "recipients": per_campaign, "skipped_without_consent": 0})
            for r in range(per_campaign):
                yield from self._mail(campaign_id, f"{campaign_id}-r{r:06d}", started)

    def _mail(self, campaign_id: str, recipient: str, sent: datetime):
        mail = {"campaign_id": campaign_id, "recipient_id": recipient,
                "contact_id": f"con-{self.rng.randrange(self.counts.contacts):08d}",
                "message_id": f"<{recipient}@bench>"}
        sent = sent + timedelta(seconds=self.rng.uniform(0, 3600))
        yield "marketing", self.envelope("marketing", "email.sent", sent,
                                         {**mail, "at": iso(sent), "attempts": 1})
        opened = self.rng.random() < 0.4 and sent + timedelta(hours=self.rng.uniform(0.1, 48))
        if opened:
            yield "marketing", self.envelope("marketing", "email.opened", opened,
                                             {**mail, "at": iso(opened), "first": True})
            if self.rng.random() < 0.25:
                clicked = opened + timedelta(minutes=2)
                yield "marketing", self.envelope("marketing", "email.clicked", clicked, {
                    **mail, "at": iso(clicked), "first": True,
                    "url": "https://bench.example.com/offer"})

    # --- live traffic ---------------------------------------------------------------------

    LIVE = ("contacts", "opportunities", "tickets")

    def created(self, kind: str, n: int, when: datetime) -> tuple[str, dict, str]:
        """The event that creates a new record of `kind` (one of LIVE) at `when`, with its
        source and the record's id; `n` must be beyond the history's own records."""
        make = {"contacts": lambda: self._contact(n, when),
                "opportunities": lambda: self._deal(f"opp-{n:07d}", when),
                "tickets": lambda: self._ticket(f"tic-{n:07d}", when, n)}[kind]
        source, envelope = next(iter(make()))
        record = next(value for value in envelope["data"].values() if isinstance(value, dict))
        return source, envelope, record["id"]

    # --- all of it ------------------------------------------------------------------------

    def chunks(self) -> Iterator[list[tuple[str, dict]]]:
        """Every kind, CHUNK records at a time, each chunk's events in time order."""
        kinds = ((self.accounts, self.counts.accounts), (self.contacts, self.counts.contacts),
                 (self.campaigns, self.counts.campaigns),
                 (self.opportunities, self.counts.opportunities),
                 (self.activities, self.counts.activities), (self.tickets, self.counts.tickets))
        for make, total in kinds:
            for first in range(0, total, CHUNK):
                events = list(make(first, min(total, first + CHUNK)))
                events.sort(key=lambda pair: pair[1]["occurred_at"])
                yield events


def write_history(database_urls: dict[str, str], history: History,
                  progress=lambda written: None) -> Written:
    """Every event into its source's outbox, marked published (the relay leaves it
    alone: this is the log a rebuild reads, not traffic)."""
    written = Written()
    engines = {source: create_engine(url) for source, url in database_urls.items()}
    published = datetime.now(UTC)
    try:
        for chunk in history.chunks():
            by_source: dict[str, list[dict]] = {}
            for source, envelope in chunk:
                by_source.setdefault(source, []).append(
                    {**envelope, "published_at": published})
            for source, rows in by_source.items():
                _insert(engines[source], rows)
                written.events[source] = written.events.get(source, 0) + len(rows)
            progress(written)
    finally:
        for engine in engines.values():
            engine.dispose()
    return written


def _insert(engine, rows: list[dict]) -> None:
    if make_url(str(engine.url)).get_backend_name() == "postgresql":
        copy_rows(engine, "outbox", rows)
    else:
        with engine.begin() as connection:
            connection.execute(OutboxEvent.__table__.insert(), rows)
