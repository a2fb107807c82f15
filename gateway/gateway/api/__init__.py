"""One blueprint per resource, registered on the API by `register`."""

from __future__ import annotations

from flask_smorest import Api


def register(api: Api) -> None:
    from gateway.api import (
        accounts,
        auth,
        contacts,
        custom_fields,
        marketing_campaigns,
        marketing_forms,
        marketing_projection,
        marketing_scenarios,
        marketing_scoring,
        marketing_segments,
        marketing_templates,
        marketing_tracking,
        people,
        reporting_history,
        reporting_reports,
        sales_activities,
        sales_catalog,
        sales_opportunities,
        sales_pipelines,
        sales_quotes,
        saved_views,
        support_inbound,
        support_kb,
        support_portal,
        support_sla,
        support_survey,
        support_teams,
        support_tickets,
        users,
    )

    for module in (auth, users, people, accounts, contacts, custom_fields, sales_pipelines,
                   sales_opportunities, sales_catalog, sales_quotes, sales_activities,
                   support_tickets, support_sla, support_teams, support_kb, support_inbound,
                   support_survey, support_portal, marketing_segments, marketing_templates,
                   marketing_campaigns, marketing_scoring, marketing_forms,
                   marketing_scenarios, marketing_tracking, marketing_projection, reporting_reports,
                   reporting_history, saved_views):
        api.register_blueprint(module.blp)
