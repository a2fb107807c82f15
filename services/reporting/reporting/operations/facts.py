"""Reading the read models for the KPIs: the facts of a scope (everyone's, or one owner's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reporting.models import (
    AccountFacts,
    ActivityFacts,
    CampaignFacts,
    CampaignRecipient,
    ContactFacts,
    CsatFacts,
    LeadScore,
    OpportunityFacts,
    OrderFacts,
    StageChange,
    TicketFacts,
    UpsellFlag,
)


def _rows(model):
    """Plain rows (named tuples) of a table: a tenth of the cost of loading ORM objects,
    and the KPI functions only read attributes."""
    return select(*model.__table__.columns)


@dataclass
class Scope:
    """Whose figures: everyone's, or one sales rep's deals and activities."""

    owner_id: str | None = None


class Facts:
    """Loads each table once per request, on first use (what the reports compute from;
    dashboards add up daily rollups instead, operations/rollups.py)."""

    def __init__(self, session: Session, scope: Scope | None = None):
        self.session = session
        self.scope = scope or Scope()
        self._cache: dict[str, list] = {}

    def _all(self, name: str, query) -> list:
        if name not in self._cache:
            self._cache[name] = self.session.execute(query).all()
        return self._cache[name]

    @property
    def deals(self) -> list:
        query = _rows(OpportunityFacts).where(
            OpportunityFacts.deleted_at.is_(None), OpportunityFacts.status.is_not(None))
        if self.scope.owner_id:
            query = query.where(OpportunityFacts.owner_id == self.scope.owner_id)
        return self._all("deals", query)

    @property
    def stage_changes(self) -> list:
        changes = self._all("changes", _rows(StageChange))
        if self.scope.owner_id:
            mine = {deal.id for deal in self.deals}
            return [change for change in changes if change.opportunity_id in mine]
        return changes

    @property
    def activities(self) -> list:
        query = _rows(ActivityFacts).where(ActivityFacts.type.is_not(None))
        if self.scope.owner_id:
            query = query.where(ActivityFacts.assignee_id == self.scope.owner_id)
        return self._all("activities", query)

    @property
    def contacts(self) -> list:
        return self._all("contacts", _rows(ContactFacts).where(
            ContactFacts.deleted_at.is_(None), ContactFacts.created_at.is_not(None)))

    @property
    def accounts(self) -> list:
        return self._all("accounts", _rows(AccountFacts).where(
            AccountFacts.deleted_at.is_(None), AccountFacts.created_at.is_not(None)))

    @property
    def orders(self) -> list:
        query = _rows(OrderFacts)
        if self.scope.owner_id:
            query = query.where(OrderFacts.owner_id == self.scope.owner_id)
        return self._all("orders", query)

    @property
    def tickets(self) -> list:
        return self._all("tickets", _rows(TicketFacts).where(TicketFacts.status.is_not(None)))

    @property
    def ratings(self) -> list:
        return self._all("ratings", _rows(CsatFacts).where(
            CsatFacts.rating.is_not(None)))

    @property
    def upsell_flags(self) -> list:
        return self._all("flags", _rows(UpsellFlag))

    @property
    def recipients(self) -> list:
        return self._all("recipients", _rows(CampaignRecipient))

    @property
    def campaigns(self) -> dict[str, Any]:
        return {c.id: c for c in self._all("campaigns", _rows(CampaignFacts).where(
            CampaignFacts.name.is_not(None)))}

    @property
    def lead_scores(self) -> list:
        # A contact merged away (its entries moved into the survivor's score) or deleted
        # is scored no more.
        gone = select(ContactFacts.id).where(ContactFacts.deleted_at.is_not(None))
        return self._all("scores", _rows(LeadScore).where(LeadScore.score.is_not(None),
                                                          LeadScore.contact_id.not_in(gone)))


def by_account(rows: list) -> dict[str | None, list]:
    grouped: dict[str | None, list] = {}
    for row in rows:
        grouped.setdefault(row.account_id, []).append(row)
    return grouped
