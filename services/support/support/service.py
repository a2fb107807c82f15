"""The support service's entrypoints: validate, call the use case, commit, dump."""

from __future__ import annotations

import logging
from typing import Any

import eventlet
from nameko.exceptions import RemoteError, UnknownService
from nameko.rpc import RpcProxy
from nameko.timer import timer
from sqlalchemy.exc import IntegrityError

from crm_chassis.consumer import BATCH, consumes
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import ChangeCounts, EventLog, rpc
from crm_chassis.observability import Observability
from crm_chassis.races import retried_when_raced
from support import handlers, schemas
from support.exceptions import Gone, InvalidTransition, ValidationFailed
from support.models import AccountView, ContactView, RetiredContact
from support.operations import (
    calendars,
    csat,
    customer,
    inbound,
    kb,
    sla_checks,
    teams,
    tickets,
)
from support.schemas import load

log = logging.getLogger(__name__)

_ticket_in = schemas.TicketInput()
_ticket_update = schemas.TicketUpdate()
_status_in = schemas.StatusInput()
_assign_in = schemas.AssignInput()
_message_in = schemas.MessageInput()
_portal_reply = schemas.PortalReply()
_portal_ticket = schemas.PortalTicketInput()
_upsell_in = schemas.UpsellInput()
_list_in = schemas.ListQuery()
_policy_in = schemas.SlaPolicyInput()
_calendar_in = schemas.CalendarInput()
_team_in = schemas.TeamInput()
_rule_in = schemas.RuleInput()
_category_in = schemas.CategoryInput()
_article_in = schemas.ArticleInput()
_search_in = schemas.SearchQuery()
_answer_in = schemas.SurveyAnswer()

SLA_CHECK_SECONDS = 1.0
CUSTOMER_LOOKUP_SECONDS = 2.0  # asking contacts about a contact not yet projected


def _items(rows, dump) -> dict[str, Any]:
    return {"items": [dump(row) for row in rows], "next_cursor": None}


def _split_name(name: str) -> tuple[str | None, str | None]:
    first, _, last = (name or "").strip().partition(" ")
    return first or None, last.strip() or None


class SupportService(EventLog, ChangeCounts):
    name = "support"

    db = Database("support")
    observability = Observability("support")
    contacts = RpcProxy("contacts")

    # --- tickets ----------------------------------------------------------------------------

    def _ticket(self, ticket, messages: bool = True) -> dict[str, Any]:
        data = tickets.ticket_data(self.db.session, ticket, messages=messages)
        data["survey_token"] = csat.survey_token(self.db.session, ticket.id) \
            if ticket.status == "solved" else None
        return data

    @rpc
    def create_ticket(self, data: dict[str, Any]) -> dict[str, Any]:
        values = load(_ticket_in, data)
        self._know_customer(values)
        ticket = tickets.create_ticket(self.db, values)
        self.db.commit()
        return self._ticket(ticket)

    def _know_customer(self, values: dict[str, Any]) -> None:
        """Tickets take their account and tier from the projection that contacts' events
        fill, and those events may still be on their way for a contact made a moment ago:
        then the contacts service is asked, briefly, and its answer projected. A contacts
        service that does not answer leaves the ticket without an account, as before."""
        contact_id = values.get("contact_id")
        session = self.db.session
        if not contact_id or values.get("account_id") or session.get(ContactView, contact_id):
            return
        with eventlet.Timeout(CUSTOMER_LOOKUP_SECONDS, False):
            try:
                contact = self.contacts.get_contact(contact_id)
                self._project(handlers.project_contact, contact)
                account_id = contact.get("account_id")
                if account_id and session.get(AccountView, account_id) is None:
                    self._project(handlers.project_account,
                                  self.contacts.get_account(account_id))
            except UnknownService:
                log.warning("contacts is not running: ticket made without its account")
            except RemoteError as exc:
                if exc.exc_type not in {"NotFound", "Gone"}:
                    raise

    def _project(self, project, record: dict[str, Any]) -> None:
        """Project what contacts answered, in a savepoint: the event may be projected by a
        consumer at the same moment, and then its row serves and the ticket goes on."""
        try:
            with self.db.session.begin_nested():
                project(self.db, record)
        except IntegrityError:
            log.info("%s was projected meanwhile by its event", record.get("id"))

    @rpc
    def get_ticket(self, ticket_id: str) -> dict[str, Any]:
        return self._ticket(tickets.get_ticket(self.db.session, ticket_id))

    @rpc
    def update_ticket(self, ticket_id: str, data: dict[str, Any],
                      expected_version: int | None = None) -> dict[str, Any]:
        ticket = tickets.update_ticket(self.db, ticket_id,
                                       load(_ticket_update, data, partial=True),
                                       expected_version)
        self.db.commit()
        return self._ticket(ticket)

    @rpc
    def change_status(self, ticket_id: str, data: dict[str, Any],
                      expected_version: int | None = None) -> dict[str, Any]:
        status = load(_status_in, data)["status"]
        ticket = tickets.change_status(self.db, tickets.get_ticket(self.db.session, ticket_id),
                                       status, expected_version)
        self.db.commit()
        return self._ticket(ticket)

    @rpc
    def assign_ticket(self, ticket_id: str, data: dict[str, Any],
                      expected_version: int | None = None) -> dict[str, Any]:
        values = load(_assign_in, data)
        ticket = tickets.get_ticket(self.db.session, ticket_id)
        tickets.check_version(ticket, expected_version)
        tickets.assign(self.db, ticket, values.get("team_id"), values.get("assignee_id"))
        self.db.commit()
        return self._ticket(ticket)

    @rpc
    def reassign_ticket(self, ticket_id: str) -> dict[str, Any]:
        ticket = tickets.run_rules(self.db, tickets.get_ticket(self.db.session, ticket_id))
        self.db.commit()
        return self._ticket(ticket)

    @rpc
    @retried_when_raced
    def add_message(self, ticket_id: str, data: dict[str, Any]) -> dict[str, Any]:
        values = load(_message_in, data)
        ticket = tickets.get_ticket(self.db.session, ticket_id)
        author = self.db.actor_id if values["author_type"] == "agent" else ticket.contact_id
        message = tickets.add_message(self.db, ticket, values["body"], public=values["public"],
                                      author_type=values["author_type"], author_id=author)
        self.db.commit()
        return tickets.message_data(message)

    @rpc
    def list_tickets(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        rows, cursor = tickets.list_tickets(self.db.session, load(_list_in, query or {}))
        return {"items": [tickets.ticket_data(self.db.session, row) for row in rows],
                "next_cursor": cursor}

    @rpc
    def flag_upsell(self, ticket_id: str, data: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
        note = load(_upsell_in, data or {}).get("note")
        ticket = tickets.flag_upsell(self.db, tickets.get_ticket(self.db.session, ticket_id),
                                     note)
        self.db.commit()
        return self._ticket(ticket)

    # --- inbound email ----------------------------------------------------------------------

    @rpc
    @retried_when_raced
    def receive_email(self, raw: str) -> dict[str, Any]:
        email = inbound.parse(raw)
        if (known := inbound.known_message(self.db.session, email.message_id)) is not None:
            return self._received(known.ticket, known, False, True)
        contact = self._find_or_create_contact(email.sender_email, email.sender_name)
        try:
            result = inbound.receive(self.db, email, contact)
            self.db.commit()
        except IntegrityError:
            # Another replica stored the same Message-ID meanwhile: answer its result.
            self.db.rollback()
            known = inbound.known_message(self.db.session, email.message_id)
            if known is None:
                raise
            return self._received(known.ticket, known, False, True)
        return self._received(result["ticket"], result["message"], result["created"],
                              result["duplicate"])

    def _received(self, ticket, message, created: bool, duplicate: bool) -> dict[str, Any]:
        return {"ticket": self._ticket(ticket, messages=False),
                "message": tickets.message_data(message), "created": created,
                "duplicate": duplicate}

    def _find_or_create_contact(self, email: str, name: str) -> dict[str, Any]:
        """The sender in the contacts service (which owns them), created when unknown."""
        first_name, last_name = _split_name(name)
        try:
            return self.contacts.find_or_create_contact({
                "email": email, "first_name": first_name, "last_name": last_name,
                "source": "support email"})["contact"]
        except RemoteError as exc:
            if exc.exc_type != "ValidationFailed":
                raise
            # The contacts service refuses the sender (e.g. a reserved domain): no ticket.
            raise ValidationFailed("the sender cannot be a contact", {
                "raw": [f"the From address {email} is refused: {exc.value}"]}) from None

    # --- SLA policies and calendars ---------------------------------------------------------

    @rpc
    def list_sla_policies(self) -> dict[str, Any]:
        return _items(calendars.list_policies(self.db.session), calendars.policy_data)

    @rpc
    def get_sla_policy(self, policy_id: str) -> dict[str, Any]:
        return calendars.policy_data(calendars.get_policy(self.db.session, policy_id))

    @rpc
    def create_sla_policy(self, data: dict[str, Any]) -> dict[str, Any]:
        policy = calendars.create_policy(self.db, load(_policy_in, data))
        self.db.commit()
        return calendars.policy_data(policy)

    @rpc
    def update_sla_policy(self, policy_id: str, data: dict[str, Any],
                          expected_version: int | None = None) -> dict[str, Any]:
        policy = calendars.update_policy(self.db, policy_id,
                                         load(_policy_in, data, partial=True), expected_version)
        self.db.commit()
        return calendars.policy_data(policy)

    @rpc
    def delete_sla_policy(self, policy_id: str, expected_version: int | None = None) -> None:
        calendars.delete_policy(self.db, policy_id, expected_version)
        self.db.commit()

    @rpc
    def get_calendar(self, calendar_id: str | None = None) -> dict[str, Any]:
        return calendars.calendar_data(calendars.get_calendar(self.db.session, calendar_id))

    @rpc
    def update_calendar(self, calendar_id: str, data: dict[str, Any],
                        expected_version: int | None = None) -> dict[str, Any]:
        calendar = calendars.update_calendar(self.db, calendar_id,
                                             load(_calendar_in, data, partial=True),
                                             expected_version)
        self.db.commit()
        return calendars.calendar_data(calendar)

    # --- teams and assignment rules ---------------------------------------------------------

    @rpc
    def list_teams(self) -> dict[str, Any]:
        return _items(teams.list_teams(self.db.session), teams.team_data)

    @rpc
    def get_team(self, team_id: str) -> dict[str, Any]:
        return teams.team_data(teams.get_team(self.db.session, team_id))

    @rpc
    def create_team(self, data: dict[str, Any]) -> dict[str, Any]:
        team = teams.create_team(self.db, load(_team_in, data))
        self.db.commit()
        return teams.team_data(team)

    @rpc
    def update_team(self, team_id: str, data: dict[str, Any],
                    expected_version: int | None = None) -> dict[str, Any]:
        team = teams.update_team(self.db, team_id, load(_team_in, data, partial=True),
                                 expected_version)
        self.db.commit()
        return teams.team_data(team)

    @rpc
    def delete_team(self, team_id: str, expected_version: int | None = None) -> None:
        teams.delete_team(self.db, team_id, expected_version)
        self.db.commit()

    @rpc
    def list_assignment_rules(self) -> dict[str, Any]:
        return _items(teams.list_rules(self.db.session), teams.rule_data)

    @rpc
    def create_assignment_rule(self, data: dict[str, Any]) -> dict[str, Any]:
        rule = teams.create_rule(self.db, load(_rule_in, data))
        self.db.commit()
        return teams.rule_data(rule)

    @rpc
    def update_assignment_rule(self, rule_id: str, data: dict[str, Any],
                               expected_version: int | None = None) -> dict[str, Any]:
        rule = teams.update_rule(self.db, rule_id, load(_rule_in, data, partial=True),
                                 expected_version)
        self.db.commit()
        return teams.rule_data(rule)

    @rpc
    def delete_assignment_rule(self, rule_id: str) -> None:
        teams.delete_rule(self.db, rule_id)
        self.db.commit()

    # --- knowledge base ---------------------------------------------------------------------

    @rpc
    def list_kb_categories(self) -> dict[str, Any]:
        return _items(kb.list_categories(self.db.session), kb.category_data)

    @rpc
    def create_kb_category(self, data: dict[str, Any]) -> dict[str, Any]:
        category = kb.create_category(self.db, load(_category_in, data))
        self.db.commit()
        return kb.category_data(category)

    @rpc
    def create_article(self, data: dict[str, Any]) -> dict[str, Any]:
        article = kb.create_article(self.db, load(_article_in, data))
        self.db.commit()
        return kb.article_data(article)

    @rpc
    def get_article(self, article_id: str) -> dict[str, Any]:
        return kb.article_data(kb.get_article(self.db.session, article_id))

    @rpc
    def update_article(self, article_id: str, data: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        article = kb.update_article(self.db, article_id, load(_article_in, data, partial=True),
                                    expected_version)
        self.db.commit()
        return kb.article_data(article)

    @rpc
    def publish_article(self, article_id: str, expected_version: int | None = None
                        ) -> dict[str, Any]:
        article = kb.set_status(self.db, article_id, "published", expected_version)
        self.db.commit()
        return kb.article_data(article)

    @rpc
    def unpublish_article(self, article_id: str, expected_version: int | None = None
                          ) -> dict[str, Any]:
        article = kb.set_status(self.db, article_id, "draft", expected_version)
        self.db.commit()
        return kb.article_data(article)

    @rpc
    def delete_article(self, article_id: str) -> None:
        kb.delete_article(self.db, article_id)
        self.db.commit()

    @rpc
    def search_articles(self, query: dict[str, Any]) -> dict[str, Any]:
        values = load(_search_in, query)
        found = kb.search_articles(self.db.session, values["q"],
                                   published_only=values["published_only"],
                                   category_id=values.get("category_id"),
                                   limit=values["limit"])
        return {"items": [kb.article_data(a, score) for a, score in found],
                "next_cursor": None}

    @rpc
    def suggest_articles(self, ticket_id: str, limit: int = 5) -> dict[str, Any]:
        ticket = tickets.get_ticket(self.db.session, ticket_id)
        found = kb.search_articles(self.db.session,
                                   f"{ticket.subject} {ticket.description or ''}",
                                   limit=max(1, min(int(limit), 20)), any_word=True)
        return {"items": [kb.article_data(a, score) for a, score in found]}

    # --- CSAT -------------------------------------------------------------------------------

    @rpc
    def get_survey(self, token: str) -> dict[str, Any]:
        return csat.get_survey(self.db.session, token)

    @rpc
    def submit_survey(self, token: str, data: dict[str, Any]) -> dict[str, Any]:
        answer = csat.submit(self.db, token, load(_answer_in, data))
        self.db.commit()
        return answer

    @rpc
    def list_csat(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _items(csat.list_csat(self.db.session, load(_list_in, query or {})),
                      csat.csat_data)

    # --- the customer portal (the gateway signs the contact in) -----------------------------

    @rpc
    def portal_list_tickets(self, contact_id: str, query: dict[str, Any] | None = None
                            ) -> dict[str, Any]:
        self._portal_contact(contact_id)
        values = load(_list_in, query or {})
        values["filters"] = {key: value for key, value in values["filters"].items()
                             if key in {"status", "open"}}
        rows, cursor = tickets.list_tickets(
            self.db.session, values, extra=[tickets.Ticket.contact_id == str(contact_id)])
        return {"items": [customer.portal_data(self.db.session, row) for row in rows],
                "next_cursor": cursor}

    @rpc
    def portal_get_ticket(self, contact_id: str, ticket_id: str) -> dict[str, Any]:
        self._portal_contact(contact_id)
        ticket = customer.own_ticket(self.db.session, contact_id, ticket_id)
        return customer.portal_data(self.db.session, ticket, messages=True)

    @rpc
    def portal_reply(self, contact_id: str, ticket_id: str, data: dict[str, Any]
                     ) -> dict[str, Any]:
        self._portal_contact(contact_id)
        body = load(_portal_reply, data)["body"]
        ticket = customer.own_ticket(self.db.session, contact_id, ticket_id)
        if ticket.status == "closed":
            raise InvalidTransition("this ticket is closed: open a new one")
        message = tickets.add_message(self.db, ticket, body, author_type="customer",
                                      author_id=contact_id)
        self.db.commit()
        data = tickets.message_data(message)
        data.pop("email_message_id", None)
        return data

    @rpc
    def portal_create_ticket(self, contact_id: str, data: dict[str, Any]) -> dict[str, Any]:
        self._portal_contact(contact_id)
        values = load(_portal_ticket, data)
        ticket = tickets.create_ticket(self.db, {**values, "contact_id": str(contact_id),
                                                 "channel": "web_form"},
                                       author_type="customer")
        self.db.commit()
        return customer.portal_data(self.db.session, ticket, messages=True)

    def _portal_contact(self, contact_id: str) -> None:
        """A portal session outlives neither the contact's erasure nor its merge."""
        retired = self.db.session.get(RetiredContact, str(contact_id))
        if retired is not None:
            raise Gone(f"this contact was {retired.reason}: sign in again")

    # --- customer 360 -----------------------------------------------------------------------

    @rpc
    def contact_360(self, contact_id: str) -> dict[str, Any]:
        return customer.customer_view(self.db.session, "contact_id", contact_id)

    @rpc
    def account_360(self, account_id: str) -> dict[str, Any]:
        return customer.customer_view(self.db.session, "account_id", account_id)

    @rpc
    def gdpr_export(self, contact_id: str) -> dict[str, Any]:
        return customer.personal_data(self.db.session, str(contact_id))

    # --- breach checks ----------------------------------------------------------------------

    @timer(interval=SLA_CHECK_SECONDS)
    def check_sla_breaches(self) -> None:
        """Claim tickets past a due time and report each breach once (see
        operations/sla_checks.py): every replica runs this, none reports twice."""
        config = sla_checks.CheckSettings.from_env()
        if not config.enabled:
            return
        for ticket_id, token in sla_checks.claim_due(self.db.session, config):
            try:
                sla_checks.perform(self.db, ticket_id, token)
            except Exception:  # one bad ticket must not stop the others
                self.db.rollback()
                log.exception("SLA check of ticket %s failed; retried when its lease ends",
                              ticket_id)
            eventlet.sleep(0)

    # --- reactions to the contacts service --------------------------------------------------

    @consumes("contacts", "account.created")
    def project_created_account(self, event: dict[str, Any]) -> None:
        handlers.project_account(self.db, event["data"]["account"])

    @consumes("contacts", "account.updated")
    def project_updated_account(self, event: dict[str, Any]) -> None:
        handlers.project_account(self.db, event["data"]["account"])

    @consumes("contacts", "account.deleted")
    def forget_deleted_account(self, event: dict[str, Any]) -> None:
        handlers.forget_account(self.db, event["data"]["account_id"])

    @consumes("contacts", "contact.created", batch=BATCH)
    def project_created_contact(self, events: list[dict[str, Any]]) -> None:
        handlers.project_contacts(self.db, [event["data"]["contact"] for event in events])

    @consumes("contacts", "contact.imported")
    def project_imported_contacts(self, event: dict[str, Any]) -> None:
        handlers.project_contacts(self.db, event["data"]["contacts"])

    @consumes("contacts", "contact.updated", batch=BATCH)
    def project_updated_contact(self, events: list[dict[str, Any]]) -> None:
        handlers.project_contacts(self.db, [event["data"]["contact"] for event in events])

    @consumes("contacts", "contact.merged")
    def repoint_merged_contact(self, event: dict[str, Any]) -> None:
        handlers.repoint_merged_contact(self.db, event["data"])

    @consumes("contacts", "contact.erased")
    def anonymise_erased_contact(self, event: dict[str, Any]) -> None:
        handlers.anonymise_erased_contact(self.db, event["data"])
