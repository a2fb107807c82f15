"""One blueprint per resource, registered on the API by `register`."""

from __future__ import annotations

from flask_smorest import Api


def register(api: Api) -> None:
    from gateway.api import (
        accounts,
        auth,
        contacts,
        custom_fields,
        sales_activities,
        sales_catalog,
        sales_opportunities,
        sales_pipelines,
        sales_quotes,
        users,
    )

    for module in (auth, users, accounts, contacts, custom_fields, sales_pipelines,
                   sales_opportunities, sales_catalog, sales_quotes, sales_activities):
        api.register_blueprint(module.blp)
