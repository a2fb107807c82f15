"""Mail templates: checked when saved, previewed for a given contact."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketing.domain import templates as rendering
from marketing.exceptions import InvalidTransition, NotFound, ValidationFailed
from marketing.models import AccountView, Campaign, ContactView, Template, now
from marketing.operations.common import apply, check_version, flush, get_or_404, page, plain


def _check(parts: dict[str, Any]) -> None:
    try:
        rendering.check(parts)
    except rendering.TemplateError as exc:
        raise ValidationFailed("the template does not render", exc.errors) from None


def parts_of(template: Template) -> dict[str, Any]:
    return {"subject": template.subject, "html_body": template.html_body,
            "text_body": template.text_body}


def get_template(session: Session, template_id: str) -> Template:
    return get_or_404(session, Template, template_id, "template")


def create_template(uow, values: dict[str, Any]) -> Template:
    _check(values)
    template = Template(**values)
    uow.session.add(template)
    flush(uow.session)
    return template


def update_template(uow, template_id: str, values: dict[str, Any],
                    expected: int | None) -> Template:
    template = get_template(uow.session, template_id)
    check_version(template, expected)
    _check({**parts_of(template), **values})
    if apply(template, values):
        flush(uow.session)
    return template


def delete_template(uow, template_id: str, expected: int | None) -> None:
    template = get_template(uow.session, template_id)
    check_version(template, expected)
    busy = uow.session.scalar(select(Campaign.id).where(
        Campaign.template_id == template.id, Campaign.status.in_(("scheduled", "sending"))))
    if busy:
        raise InvalidTransition("a scheduled or sending campaign uses this template")
    template.deleted_at = template.updated_at = now()
    flush(uow.session)


def list_templates(session: Session, values: dict[str, Any]):
    return page(session, select(Template).where(Template.deleted_at.is_(None)), Template,
                values)


def contact_data(contact: ContactView) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in (
        "id", "first_name", "last_name", "email", "phone", "title", "lifecycle_stage", "city",
        "country", "tags", "custom_fields")}


def account_data(account: AccountView | None) -> dict[str, Any] | None:
    if account is None:
        return None
    return {name: getattr(account, name) for name in (
        "id", "name", "domain", "industry", "tier", "size", "country", "custom_fields")}


def preview(session: Session, template: Template, contact_id: str | None,
            public_url: str) -> dict[str, Any]:
    """The mail as this contact would get it (with a sample contact when none is named);
    its links are not tracked and its unsubscribe link is a placeholder."""
    if contact_id:
        contact = session.get(ContactView, contact_id)
        if contact is None or contact.version == 0:
            raise NotFound(f"no contact {contact_id}")
        context = rendering.context_for(
            contact_data(contact), account_data(session.get(AccountView, contact.account_id)
                                                if contact.account_id else None),
            {"id": "preview", "name": "Preview"},
            f"{public_url.rstrip('/')}/api/v1/unsubscribe/preview")
    else:
        context = rendering.sample_context()
    try:
        rendered = rendering.render(parts_of(template), context)
    except Exception as exc:  # the sandbox or a filter refused this contact's values
        raise ValidationFailed("the template does not render for this contact",
                               {"contact_id": [str(exc)]}) from None
    return {"subject": rendered.subject, "html_body": rendered.html_body,
            "text_body": rendered.text_body}


def template_data(template: Template) -> dict[str, Any]:
    return plain({
        "id": template.id, "name": template.name, "subject": template.subject,
        "html_body": template.html_body, "text_body": template.text_body,
        "variables": sorted(rendering.VARIABLES), "version": template.version,
        "created_at": template.created_at, "updated_at": template.updated_at,
    })
