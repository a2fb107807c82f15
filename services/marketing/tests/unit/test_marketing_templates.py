"""Templates: Jinja2's sandbox, strict about variables, refused at save with the line."""

import pytest

from marketing.domain.templates import TemplateError, check, context_for, render

GOOD = {"subject": "Hello {{ contact.first_name }}",
        "text_body": "Hi {{ contact.first_name }} of {{ account.name }}.\n"
                     "Plan: {{ contact.custom_fields.plan }}\n"
                     "Leave: {{ unsubscribe_url }}",
        "html_body": "<p>Hi {{ contact.first_name }}</p>"}


def test_a_good_template_renders_for_a_contact():
    check(GOOD)
    context = context_for({"first_name": "Ada", "custom_fields": {"plan": "pro"}},
                          {"name": "Engines"}, {"id": "c1", "name": "Launch"}, "https://u")
    rendered = render(GOOD, context)
    assert rendered.subject == "Hello Ada"
    assert "of Engines" in rendered.text_body and "Plan: pro" in rendered.text_body
    assert rendered.html_body == "<p>Hi Ada</p>"


def test_html_is_escaped_and_a_missing_custom_field_renders_empty():
    context = context_for({"first_name": "<b>Bob</b>"}, None, {"id": "c", "name": "n"}, "u")
    rendered = render(GOOD, context)
    assert "&lt;b&gt;Bob" in rendered.html_body
    assert "Plan: \n" in rendered.text_body


@pytest.mark.parametrize("part, source, words", [
    ("text_body", "line one\n{% if contact.first_name %}\nno end", "Unexpected end"),
    ("text_body", "one\ntwo {{ contact.first_name }\n", "line 2"),
    ("subject", "Hi {{ customer.name }}", "unknown variable 'customer'"),
    ("text_body", "a\nb\n{{ contact.shoe_size }}", "line 3: contact has no field 'shoe_size'"),
    ("html_body", "{{ account['revenue'] }}", "account has no field 'revenue'"),
    ("text_body", "{{ contact.__class__.__mro__ }}", "contact has no field '__class__'"),
    ("text_body", "{{ ''.__class__.__mro__ }}", "not allowed"),
])
def test_a_bad_template_is_refused_with_its_line(part, source, words):
    with pytest.raises(TemplateError) as refused:
        check({**GOOD, part: source})
    assert part in refused.value.errors
    assert words in refused.value.errors[part][0]


def test_loop_variables_are_not_unknown():
    check({**GOOD, "text_body": "{% for tag in contact.tags %}{{ tag }}{% endfor %}"})
