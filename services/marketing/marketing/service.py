"""The marketing service's entrypoints: validate, call the use case, commit, dump."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import eventlet
from nameko.rpc import RpcProxy
from nameko.timer import timer

from crm_chassis import settings
from crm_chassis.consumer import BATCH, consumes, each
from crm_chassis.dependencies import Database
from crm_chassis.entrypoints import EventLog, rpc
from crm_chassis.observability import Observability
from crm_chassis.races import retried_when_raced
from crm_chassis.timers import run_due
from marketing import handlers, schemas
from marketing.domain import mail as mails
from marketing.domain.campaigns import SendSettings
from marketing.domain.scoring import ScoreSettings
from marketing.exceptions import ValidationFailed
from marketing.operations import (
    campaigns,
    customer,
    delivery,
    forms,
    projection,
    scenarios,
    scoring,
    segments,
    templates,
    tracking,
)
from marketing.schemas import load

log = logging.getLogger(__name__)

_segment_in = schemas.SegmentInput()
_segment_update = schemas.SegmentUpdate()
_rules_in = schemas.RulesInput()
_members_in = schemas.MembersInput()
_rebuild_page_in = schemas.RebuildPageInput()
_template_in = schemas.TemplateInput()
_template_update = schemas.TemplateUpdate()
_preview_in = schemas.PreviewInput()
_campaign_in = schemas.CampaignInput()
_campaign_update = schemas.CampaignUpdate()
_schedule_in = schemas.ScheduleInput()
_bounce_in = schemas.BounceInput()
_token_in = schemas.TokenInput()
_list_in = schemas.ListQuery()
_form_in = schemas.FormInput()
_form_update = schemas.FormUpdate()
_submission_meta = schemas.SubmissionMeta()
_scenario_in = schemas.ScenarioInput()
_scenario_update = schemas.ScenarioUpdate()
_scoring_in = schemas.ScoringRuleInput()
_scoring_update = schemas.ScoringRuleUpdate()

SEND_TICK_SECONDS = SendSettings.from_env().tick_seconds
DECAY_TICK_SECONDS = ScoreSettings.from_env().decay_tick_seconds
SCENARIO_TICK_SECONDS = float(os.environ.get("CRM_MARKETING_SCENARIO_TICK_SECONDS") or 5)
# How long a call to the contacts service may take (nameko's RPC has no deadline of its
# own): a scenario step is then retried later, a request is answered with an error.
CONTACTS_SECONDS = 20
REBUILD_PAGE = 500


def _page(rows_and_cursor, dump) -> dict[str, Any]:
    rows, cursor = rows_and_cursor
    return {"items": [dump(row) for row in rows], "next_cursor": cursor}


class MarketingService(EventLog):
    name = "marketing"

    db = Database("marketing")
    observability = Observability("marketing")
    contacts = RpcProxy("contacts")

    def _ask_contacts(self, work):
        """Run `work` (which calls the contacts service) within CONTACTS_SECONDS."""
        try:
            with eventlet.Timeout(CONTACTS_SECONDS):
                return work()
        except eventlet.Timeout:  # not an Exception: turned into one, with a rollback
            self.db.rollback()
            raise RuntimeError(f"the contacts service did not answer in {CONTACTS_SECONDS}s"
                               ) from None

    def _custom_fields(self) -> dict[str, set[str]]:
        """The contacts service's custom field keys by object, to check segment rules."""
        defined = self._ask_contacts(self.contacts.list_custom_fields)
        known: dict[str, set[str]] = {"contact": set(), "account": set()}
        for definition in defined:
            known.setdefault(definition["object"], set()).add(definition["key"])
        return known

    # --- segments ---------------------------------------------------------------------------

    def _segment(self, segment) -> dict[str, Any]:
        return segments.segment_data(self.db.session, segment)

    @rpc
    def create_segment(self, data: dict[str, Any]) -> dict[str, Any]:
        values = load(_segment_in, data)
        custom = self._custom_fields() if values.get("rules") else None
        segment = segments.create_segment(self.db, values, custom)
        self.db.commit()
        return self._segment(segment)

    @rpc
    def get_segment(self, segment_id: str) -> dict[str, Any]:
        return self._segment(segments.get_segment(self.db.session, segment_id))

    @rpc
    def update_segment(self, segment_id: str, data: dict[str, Any],
                       expected_version: int | None = None) -> dict[str, Any]:
        values = load(_segment_update, data, partial=True)
        custom = self._custom_fields() if values.get("rules") else None
        segment = segments.update_segment(self.db, segment_id, values, expected_version,
                                          custom)
        self.db.commit()
        return self._segment(segment)

    @rpc
    def delete_segment(self, segment_id: str, expected_version: int | None = None) -> None:
        in_use = bool(self.db.session.scalar(campaigns.select(campaigns.Campaign.id).where(
            campaigns.Campaign.segment_id == segment_id,
            campaigns.Campaign.status.in_(("scheduled", "sending")))))
        segments.delete_segment(self.db, segment_id, expected_version, in_use)
        self.db.commit()

    @rpc
    def list_segments(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _page(segments.list_segments(self.db.session, load(_list_in, query or {})),
                     self._segment)

    @rpc
    def segment_members(self, segment_id: str, query: dict[str, Any] | None = None
                        ) -> dict[str, Any]:
        return segments.members(self.db.session, segment_id, load(_list_in, query or {}))

    @rpc
    def count_segment_rules(self, data: dict[str, Any]) -> dict[str, Any]:
        """How many contacts these rules match now, without saving a segment."""
        rules = load(_rules_in, data)["rules"]
        segments.check_rules(rules, self._custom_fields())
        return {"count": segments.count_matching(self.db.session, rules)}

    @rpc
    @retried_when_raced
    def add_segment_members(self, segment_id: str, data: dict[str, Any]) -> dict[str, Any]:
        segment = segments.add_members(self.db, segment_id, load(_members_in, data)[
            "contact_ids"])
        self.db.commit()
        return self._segment(segment)

    @rpc
    @retried_when_raced
    def remove_segment_members(self, segment_id: str, data: dict[str, Any]) -> dict[str, Any]:
        segment = segments.remove_members(self.db, segment_id, load(_members_in, data)[
            "contact_ids"])
        self.db.commit()
        return self._segment(segment)

    # --- templates --------------------------------------------------------------------------

    @rpc
    def create_template(self, data: dict[str, Any]) -> dict[str, Any]:
        template = templates.create_template(self.db, load(_template_in, data))
        self.db.commit()
        return templates.template_data(template)

    @rpc
    def get_template(self, template_id: str) -> dict[str, Any]:
        return templates.template_data(templates.get_template(self.db.session, template_id))

    @rpc
    def update_template(self, template_id: str, data: dict[str, Any],
                        expected_version: int | None = None) -> dict[str, Any]:
        template = templates.update_template(self.db, template_id,
                                             load(_template_update, data, partial=True),
                                             expected_version)
        self.db.commit()
        return templates.template_data(template)

    @rpc
    def delete_template(self, template_id: str, expected_version: int | None = None) -> None:
        templates.delete_template(self.db, template_id, expected_version)
        self.db.commit()

    @rpc
    def list_templates(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _page(templates.list_templates(self.db.session, load(_list_in, query or {})),
                     templates.template_data)

    @rpc
    def preview_template(self, template_id: str, data: dict[str, Any] | None = None
                         ) -> dict[str, Any]:
        values = load(_preview_in, data or {})
        template = templates.get_template(self.db.session, template_id)
        return templates.preview(self.db.session, template, values.get("contact_id"),
                                 SendSettings.from_env().public_url)

    # --- campaigns --------------------------------------------------------------------------

    def _campaign(self, campaign) -> dict[str, Any]:
        return campaigns.campaign_data(self.db.session, campaign)

    @rpc
    def create_campaign(self, data: dict[str, Any]) -> dict[str, Any]:
        campaign = campaigns.create_campaign(self.db, load(_campaign_in, data))
        self.db.commit()
        return self._campaign(campaign)

    @rpc
    def get_campaign(self, campaign_id: str) -> dict[str, Any]:
        return self._campaign(campaigns.get_campaign(self.db.session, campaign_id))

    @rpc
    def update_campaign(self, campaign_id: str, data: dict[str, Any],
                        expected_version: int | None = None) -> dict[str, Any]:
        campaign = campaigns.update_campaign(self.db, campaign_id,
                                             load(_campaign_update, data, partial=True),
                                             expected_version)
        self.db.commit()
        return self._campaign(campaign)

    @rpc
    def list_campaigns(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _page(campaigns.list_campaigns(self.db.session, load(_list_in, query or {})),
                     self._campaign)

    @rpc
    def send_campaign(self, campaign_id: str, expected_version: int | None = None
                      ) -> dict[str, Any]:
        campaign = campaigns.send_now(self.db, campaign_id, expected_version)
        self.db.commit()
        return self._campaign(campaign)

    @rpc
    def schedule_campaign(self, campaign_id: str, data: dict[str, Any],
                          expected_version: int | None = None) -> dict[str, Any]:
        at = load(_schedule_in, data)["scheduled_at"]
        campaign = campaigns.schedule(self.db, campaign_id, at, expected_version)
        self.db.commit()
        return self._campaign(campaign)

    @rpc
    def cancel_campaign(self, campaign_id: str, expected_version: int | None = None
                        ) -> dict[str, Any]:
        campaign = campaigns.cancel(self.db, campaign_id, expected_version)
        self.db.commit()
        return self._campaign(campaign)

    @rpc
    def campaign_metrics(self, campaign_id: str) -> dict[str, Any]:
        return campaigns.metrics(self.db.session,
                                 campaigns.get_campaign(self.db.session, campaign_id))

    # --- web-to-lead forms -------------------------------------------------------------------

    @rpc
    def create_form(self, data: dict[str, Any]) -> dict[str, Any]:
        form = forms.create_form(self.db, load(_form_in, data))
        self.db.commit()
        return forms.form_data(self.db.session, form)

    @rpc
    def get_form(self, form_id: str) -> dict[str, Any]:
        return forms.form_data(self.db.session, forms.get_form(self.db.session, form_id))

    @rpc
    def update_form(self, form_id: str, data: dict[str, Any],
                    expected_version: int | None = None) -> dict[str, Any]:
        form = forms.update_form(self.db, form_id, load(_form_update, data, partial=True),
                                 expected_version)
        self.db.commit()
        return forms.form_data(self.db.session, form)

    @rpc
    def delete_form(self, form_id: str, expected_version: int | None = None) -> None:
        forms.delete_form(self.db, form_id, expected_version)
        self.db.commit()

    @rpc
    def list_forms(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        rows, cursor = forms.list_forms(self.db.session, load(_list_in, query or {}))
        return {"items": [forms.form_data(self.db.session, row) for row in rows],
                "next_cursor": cursor}

    @rpc
    def public_form(self, form_id: str) -> dict[str, Any]:
        return forms.public_form(self.db.session, form_id)

    @rpc
    def submit_form(self, form_id: str, data: dict[str, Any],
                    meta: dict[str, Any] | None = None) -> dict[str, Any]:
        """A submission from the public web; `meta` {origin, client}: the page's Origin
        and the sender's address (hashed here, for the rate limit)."""
        if not isinstance(data, dict):
            raise ValidationFailed("the body must be an object", {"_schema": ["not an object"]})
        context = load(_submission_meta, meta or {})
        client = forms.client_key(settings.secret_key(), context.get("client"))
        result = self._ask_contacts(lambda: forms.submit(
            self.db, self.contacts, str(form_id), data, context.get("origin"), client))
        self.db.commit()
        return result

    @rpc
    def form_submissions(self, form_id: str, query: dict[str, Any] | None = None
                         ) -> dict[str, Any]:
        return forms.submissions(self.db.session, form_id, load(_list_in, query or {}))

    # --- nurturing scenarios ----------------------------------------------------------------

    @rpc
    def create_scenario(self, data: dict[str, Any]) -> dict[str, Any]:
        scenario = scenarios.create_scenario(self.db, load(_scenario_in, data))
        self.db.commit()
        return scenarios.scenario_data(self.db.session, scenario)

    @rpc
    def get_scenario(self, scenario_id: str) -> dict[str, Any]:
        return scenarios.scenario_data(self.db.session,
                                       scenarios.get_scenario(self.db.session, scenario_id))

    @rpc
    def update_scenario(self, scenario_id: str, data: dict[str, Any],
                        expected_version: int | None = None) -> dict[str, Any]:
        scenario = scenarios.update_scenario(self.db, scenario_id,
                                             load(_scenario_update, data, partial=True),
                                             expected_version)
        self.db.commit()
        return scenarios.scenario_data(self.db.session, scenario)

    @rpc
    def delete_scenario(self, scenario_id: str, expected_version: int | None = None) -> None:
        scenarios.delete_scenario(self.db, scenario_id, expected_version)
        self.db.commit()

    @rpc
    def list_scenarios(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        rows, cursor = scenarios.list_scenarios(self.db.session, load(_list_in, query or {}))
        return {"items": [scenarios.scenario_data(self.db.session, row) for row in rows],
                "next_cursor": cursor}

    @rpc
    def scenario_enrolments(self, scenario_id: str, query: dict[str, Any] | None = None
                            ) -> dict[str, Any]:
        return scenarios.enrolments(self.db.session, scenario_id, load(_list_in, query or {}))

    @rpc
    def contact_enrolments(self, contact_id: str) -> dict[str, Any]:
        return {"items": scenarios.contact_enrolments(self.db.session, str(contact_id)),
                "next_cursor": None}

    @timer(interval=SCENARIO_TICK_SECONDS)
    def run_scenarios(self) -> None:
        """Claim the enrolments whose next step is due and run each until it waits or
        ends (see operations/scenarios.py): every replica runs this, none runs an
        enrolment's step twice."""
        if not settings.flag("CRM_MARKETING_SCENARIOS", True):
            return

        def set_stage(contact_id: str, stage: str) -> None:
            self.contacts.update_contact(contact_id, {"lifecycle_stage": stage})

        def advance(uow, enrolment_id: str, token: str) -> None:
            # A failure (the contacts service away) is kept and retried when the lease ends.
            self._ask_contacts(lambda: scenarios.advance(uow, enrolment_id, token, set_stage))

        run_due(self.db, scenarios.TIMERS.claim(self.db.session), advance,
                scenarios.TIMERS.record_failure, pause=lambda: eventlet.sleep(0),
                what="scenario enrolment")

    # --- lead scoring -----------------------------------------------------------------------

    @rpc
    def create_scoring_rule(self, data: dict[str, Any]) -> dict[str, Any]:
        values = load(_scoring_in, data)
        custom = self._custom_fields() if values.get("rules") else None
        rule = scoring.create_rule(self.db, values, custom, ScoreSettings.from_env())
        self.db.commit()
        return scoring.rule_data(rule)

    @rpc
    def get_scoring_rule(self, rule_id: str) -> dict[str, Any]:
        return scoring.rule_data(scoring.get_rule(self.db.session, rule_id))

    @rpc
    def update_scoring_rule(self, rule_id: str, data: dict[str, Any],
                            expected_version: int | None = None) -> dict[str, Any]:
        values = load(_scoring_update, data, partial=True)
        custom = self._custom_fields() if values.get("rules") else None
        rule = scoring.update_rule(self.db, rule_id, values, expected_version, custom,
                                   ScoreSettings.from_env())
        self.db.commit()
        return scoring.rule_data(rule)

    @rpc
    def delete_scoring_rule(self, rule_id: str, expected_version: int | None = None) -> None:
        scoring.delete_rule(self.db, rule_id, expected_version, ScoreSettings.from_env())
        self.db.commit()

    @rpc
    def list_scoring_rules(self, query: dict[str, Any] | None = None) -> dict[str, Any]:
        return _page(scoring.list_rules(self.db.session, load(_list_in, query or {})),
                     scoring.rule_data)

    @rpc
    def get_lead_score(self, contact_id: str) -> dict[str, Any]:
        return scoring.lead_score(self.db.session, str(contact_id), ScoreSettings.from_env())

    @timer(interval=DECAY_TICK_SECONDS)
    def decay_lead_scores(self) -> None:
        """Earned points fade with time: rescore those who earned some. Every replica may
        run this; a change is reported once (a conditional UPDATE)."""
        scoring.decay(self.db, ScoreSettings.from_env())
        self.db.commit()

    # --- tracking, unsubscribing, bounces (the gateway passes the signed tokens) ------------

    @rpc
    def track_open(self, token: str) -> None:
        tracking.opened(self.db, settings.secret_key(), load(_token_in, {"token": token})[
            "token"])
        self.db.commit()

    @rpc
    def track_click(self, token: str) -> dict[str, Any]:
        url = tracking.clicked(self.db, settings.secret_key(),
                               load(_token_in, {"token": token})["token"])
        self.db.commit()
        return {"url": url}

    @rpc
    def unsubscribe_info(self, token: str) -> dict[str, Any]:
        return tracking.unsubscribe_info(self.db.session, settings.secret_key(),
                                         load(_token_in, {"token": token})["token"])

    @rpc
    def unsubscribe(self, token: str, method: str = "link") -> dict[str, Any]:
        values = load(_token_in, {"token": token, "method": method})
        result = self._ask_contacts(lambda: tracking.unsubscribe(
            self.db, settings.secret_key(), values["token"], values["method"],
            self.contacts.record_consent))
        self.db.commit()
        return result

    @rpc
    def record_bounce(self, data: dict[str, Any]) -> dict[str, Any]:
        result = tracking.bounced(self.db, load(_bounce_in, data))
        self.db.commit()
        return result

    # --- customer 360 -----------------------------------------------------------------------

    @rpc
    def contact_360(self, contact_id: str) -> dict[str, Any]:
        return customer.contact_view(self.db.session, str(contact_id), ScoreSettings.from_env())

    @rpc
    def account_360(self, account_id: str) -> dict[str, Any]:
        return customer.account_view(self.db.session, str(account_id), ScoreSettings.from_env())

    @rpc
    def gdpr_export(self, contact_id: str) -> dict[str, Any]:
        return customer.personal_data(self.db.session, str(contact_id), ScoreSettings.from_env())

    # --- the projection of the contacts service ---------------------------------------------

    @rpc
    def rebuild_projection(self, from_start: bool = True) -> dict[str, Any]:
        """Replay the contacts service's event log into the projection, then re-evaluate
        every dynamic segment. Long on a large base: call it with a generous timeout."""
        return projection.rebuild(
            self.db, lambda cursor: self.contacts.event_log(cursor, REBUILD_PAGE),
            from_start=bool(from_start), pause=lambda: eventlet.sleep(0))

    @rpc
    def rebuild_projection_page(self, query: dict[str, Any]) -> dict[str, Any]:
        """One page of the contacts service's event log into the projection, from `cursor`
        (0 to start over): `next_cursor` is null after the last page, which also brings
        every dynamic segment in line."""
        values = load(_rebuild_page_in, query)
        page = self.contacts.event_log(values["cursor"], values["limit"])
        return projection.apply_page(self.db, page)

    @rpc
    def projection_status(self) -> dict[str, Any]:
        return projection.status(self.db.session)

    # --- sending ----------------------------------------------------------------------------

    @timer(interval=SEND_TICK_SECONDS)
    def deliver_mail(self) -> None:
        """Start scheduled campaigns that are due, then claim a throttled batch of mails
        and send each (see operations/delivery.py): every replica runs this, none sends a
        mail that another has claimed."""
        config = SendSettings.from_env()
        if not config.enabled or not delivery.anything_to_do(self.db.session):
            return
        delivery.start_scheduled(self.db)
        claimed = delivery.claim_due(self.db.session, config)
        if claimed:
            smtp = mails.Smtp(config.smtp_url)
            try:
                for recipient_id, token in claimed:
                    began = time.monotonic()
                    try:
                        delivery.perform(self.db, recipient_id, token, config,
                                         lambda outgoing: smtp.send(mails.build(outgoing)))
                    except Exception:  # one bad mail must not stop the others
                        self.db.rollback()
                        log.exception("mail to recipient %s failed; retried when its lease "
                                      "ends", recipient_id)
                    eventlet.sleep(max(0.0, config.pause - (time.monotonic() - began)))
            finally:
                smtp.close()
        delivery.complete_finished(self.db)

    # --- reactions to the contacts, support and sales services ------------------------------

    def _contacts_event(self, event: dict[str, Any]) -> None:
        handlers.CONTACTS_EVENTS[event["type"]](self.db, event["data"])

    @consumes("contacts", "contact.created", batch=BATCH)
    def project_created_contact(self, events: list[dict[str, Any]]) -> None:
        handlers.project_contacts(self.db, [event["data"]["contact"] for event in events])

    @consumes("contacts", "contact.imported")
    def project_imported_contacts(self, event: dict[str, Any]) -> None:
        handlers.project_contacts(self.db, event["data"]["contacts"])

    @consumes("contacts", "contact.updated", batch=BATCH)
    def project_updated_contact(self, events: list[dict[str, Any]]) -> None:
        handlers.project_contacts(self.db, [event["data"]["contact"] for event in events])

    @consumes("contacts", "contact.deleted")
    def forget_deleted_contact(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("contacts", "contact.merged")
    def repoint_merged_contact(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("contacts", "contact.erased")
    def erase_contact(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("contacts", "account.created")
    def project_created_account(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("contacts", "account.updated")
    def project_updated_account(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("contacts", "account.deleted")
    def forget_deleted_account(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("contacts", "consent.changed")
    def record_consent_change(self, event: dict[str, Any]) -> None:
        self._contacts_event(event)

    @consumes("support", "ticket.created", batch=BATCH)
    def project_created_ticket(self, events: list[dict[str, Any]]) -> None:
        handlers.project_tickets(self.db, [event["data"]["ticket"] for event in events])

    @consumes("support", "ticket.status_changed", batch=BATCH)
    def project_ticket_status(self, events: list[dict[str, Any]]) -> None:
        handlers.project_tickets(self.db, [event["data"]["ticket"] for event in events])

    @consumes("sales", "opportunity.created", batch=BATCH)
    @each
    def attribute_created_deal(self, event: dict[str, Any]) -> None:
        handlers.project_deal(self.db, event["data"]["opportunity"], event["occurred_at"])

    @consumes("sales", "opportunity.won")
    def attribute_won_deal(self, event: dict[str, Any]) -> None:
        handlers.project_deal(self.db, event["data"]["opportunity"], event["occurred_at"])

    @consumes("sales", "opportunity.lost")
    def attribute_lost_deal(self, event: dict[str, Any]) -> None:
        handlers.project_deal(self.db, event["data"]["opportunity"], event["occurred_at"])
