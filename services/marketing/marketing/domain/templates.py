"""Mail templates: Jinja2's sandbox with strict undefined, checked when saved.

A template may use `contact`, `account`, `campaign` and `unsubscribe_url`. Whatever else it
names, or an attribute of `contact` or `account` that no contact has, is refused at save
time with its line, so that no recipient ever gets a half-rendered mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

CONTACT_FIELDS = ("id", "first_name", "last_name", "full_name", "email", "phone", "title",
                  "lifecycle_stage", "city", "country", "tags", "custom_fields")
ACCOUNT_FIELDS = ("id", "name", "domain", "industry", "tier", "size", "country",
                  "custom_fields")
CAMPAIGN_FIELDS = ("id", "name")
VARIABLES = {"contact": CONTACT_FIELDS, "account": ACCOUNT_FIELDS,
             "campaign": CAMPAIGN_FIELDS, "unsubscribe_url": None}
PARTS = ("subject", "html_body", "text_body")

_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_html_env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


class FieldValues(dict):
    """Custom fields: one that a contact lacks renders empty instead of failing its mail."""

    def __missing__(self, key: str) -> str:
        return ""


class TemplateError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{key}: {' '.join(value)}" for key, value in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Rendered:
    subject: str
    html_body: str | None
    text_body: str


def check(parts: dict[str, str | None]) -> None:
    """Raise TemplateError naming each part that does not parse or names an unknown
    variable, with the line."""
    errors: dict[str, list[str]] = {}
    for part in PARTS:
        source = parts.get(part)
        if source is None:
            continue
        problem = _problem(source, html=part == "html_body")
        if problem:
            errors[part] = [problem]
    if errors:
        raise TemplateError(errors)


def _problem(source: str, html: bool) -> str | None:
    env = _html_env if html else _env
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    for name in sorted(meta.find_undeclared_variables(tree)):
        if name not in VARIABLES:
            return f"line {_line_of(tree, name)}: unknown variable '{name}' (known: " \
                   f"{', '.join(sorted(VARIABLES))})"
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if not isinstance(target, nodes.Name) or VARIABLES.get(target.name) is None:
            continue
        attribute = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) else None)
        if attribute is not None and attribute not in VARIABLES[target.name]:
            return f"line {node.lineno}: {target.name} has no field '{attribute}' " \
                   f"(known: {', '.join(VARIABLES[target.name])})"
    try:
        # The sandbox refuses unsafe attribute access only when rendering: try a sample.
        env.from_string(source).render(**sample_context())
    except SecurityError as exc:
        return f"not allowed: {exc}"
    except UndefinedError as exc:
        return f"unknown value: {exc}"
    except Exception as exc:  # a filter given the wrong type, a division by zero...
        return f"does not render: {exc}"
    return None


def _line_of(tree: nodes.Template, name: str) -> int:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return node.lineno
    return 1


def sample_context() -> dict[str, Any]:
    contact = {name: "" for name in CONTACT_FIELDS}
    contact.update(first_name="Ada", last_name="Lovelace", full_name="Ada Lovelace",
                   email="ada@example.com", tags=[], custom_fields=FieldValues())
    account = {name: "" for name in ACCOUNT_FIELDS}
    account.update(name="Analytical Engines", custom_fields=FieldValues())
    return {"contact": contact, "account": account,
            "campaign": {"id": "preview", "name": "Preview"},
            "unsubscribe_url": "https://crm.example/unsubscribe/preview"}


def render(parts: dict[str, str | None], context: dict[str, Any]) -> Rendered:
    """Render a saved (checked) template; UndefinedError still propagates, e.g. a custom
    field that this contact lacks."""
    html = parts.get("html_body")
    return Rendered(
        subject=" ".join(_env.from_string(parts["subject"]).render(**context).split()),
        html_body=_html_env.from_string(html).render(**context) if html else None,
        text_body=_env.from_string(parts["text_body"]).render(**context),
    )


def context_for(contact: dict[str, Any], account: dict[str, Any] | None,
                campaign: dict[str, Any], unsubscribe_url: str) -> dict[str, Any]:
    values = {name: contact.get(name) for name in CONTACT_FIELDS}
    values["full_name"] = " ".join(part for part in (contact.get("first_name"),
                                                     contact.get("last_name")) if part)
    values["tags"] = contact.get("tags") or []
    values["custom_fields"] = FieldValues(contact.get("custom_fields") or {})
    account_values = {name: (account or {}).get(name) for name in ACCOUNT_FIELDS}
    account_values["custom_fields"] = FieldValues((account or {}).get("custom_fields") or {})
    return {"contact": values, "account": account_values,
            "campaign": {name: campaign.get(name) for name in CAMPAIGN_FIELDS},
            "unsubscribe_url": unsubscribe_url}
