"""The `crm` command's pure parts, without a platform: files, options, messages, data."""

from __future__ import annotations

import argparse
import csv
import io
import json
import random

import phonenumbers
import pytest

from crm_cli.connection import Connection, connection_from
from crm_cli.contacts_csv import IMPORT_COLUMNS, contacts_csv
from crm_cli.demo.dataset import ascii_slug, build_dataset, company_domain, with_typo
from crm_cli.demo.vocabulary import CONTACT_CUSTOM_KEYS
from crm_cli.imports import ImportOptions, follow_import, import_form, job_report
from crm_cli.main import main
from crm_cli.mapping import parse_mapping
from crm_cli.problems import ApiProblem, UsageError, describe_problem, error_lines
from crm_contracts.vocabulary import LIFECYCLE_STAGES

# --- CSV building ---------------------------------------------------------------------------


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_contacts_csv_has_the_import_columns_then_the_custom_ones():
    content = contacts_csv([], ["linkedin", "preferred_language"])
    header = content.decode().splitlines()[0].split(",")
    assert header == [*IMPORT_COLUMNS, "custom.linkedin", "custom.preferred_language"]


def test_contacts_csv_writes_lists_blanks_quotes_and_accents():
    content = contacts_csv([{
        "first_name": "Zoë", "last_name": "O'Hara, Jr", "email": "zoe@acme.example",
        "account": 'ACME "Europe" SAS', "tags": ["vip", "fr"], "phone": None,
        "custom_fields": {"linkedin": "https://www.linkedin.com/in/zoe"}}], ["linkedin", "arr"])
    [row] = _rows(content)
    assert row["first_name"] == "Zoë" and row["last_name"] == "O'Hara, Jr"
    assert row["account"] == 'ACME "Europe" SAS'
    assert row["tags"] == "vip,fr"
    assert row["phone"] == "" and row["custom.arr"] == ""
    assert row["custom.linkedin"] == "https://www.linkedin.com/in/zoe"


def test_demo_contacts_fit_the_import_file():
    dataset = build_dataset(12, seed=7)
    rows = _rows(contacts_csv((c.row() for c in dataset.contacts), CONTACT_CUSTOM_KEYS))
    assert len(rows) == 12
    assert {row["account"] for row in rows} <= {a.name for a in dataset.accounts}
    assert all(row["custom.preferred_language"] in ("fr", "en") for row in rows)


# --- mapping --------------------------------------------------------------------------------


def test_mapping_inline_or_from_a_file(tmp_path):
    assert parse_mapping('{"Nom": "last_name", "Notes": null}') == {"Nom": "last_name",
                                                                    "Notes": None}
    path = tmp_path / "mapping.json"
    path.write_text('{"Société": "account"}', encoding="utf-8")
    assert parse_mapping(f"@{path}") == {"Société": "account"}


@pytest.mark.parametrize("value, message", [
    ("{nope", "not valid JSON"),
    ('["email"]', "JSON object of column header -> field name"),
    ('{"Email": 3}', "JSON object of column header -> field name"),
    ("@/no/such/mapping.json", "cannot read --mapping file"),
])
def test_a_bad_mapping_is_a_usage_error(value, message):
    with pytest.raises(UsageError, match=message) as caught:
        parse_mapping(value)
    assert caught.value.exit_code == 2


def test_import_form_sends_options_as_form_fields():
    assert import_form(ImportOptions()) == {"dedup": "skip", "dry_run": "false"}
    form = import_form(ImportOptions(dedup="update", dry_run=True, mapping={"Nom": "last_name"}))
    assert form["dry_run"] == "true" and json.loads(form["mapping"]) == {"Nom": "last_name"}


# --- problems -------------------------------------------------------------------------------


def test_a_problem_reads_as_title_detail_and_one_line_per_field():
    body = {"title": "Invalid input", "status": 422, "detail": "the input is not valid",
            "errors": {"email": ["not a valid email address"],
                       "custom_fields": {"arr": ["must be a number"]},
                       "_schema": ["too many fields"]}}
    assert describe_problem(422, body) == [
        "Invalid input (HTTP 422): the input is not valid",
        "  email: not a valid email address",
        "  custom_fields.arr: must be a number",
        "  too many fields",
    ]


def test_an_answer_that_is_no_problem_document_still_reads_well():
    assert describe_problem(502, None, "<html>\n<b>Bad   gateway</b></html>") == [
        "Bad gateway (HTTP 502): <html> <b>Bad gateway</b></html>"]
    server_side = describe_problem(500, {"title": "Internal error", "correlation_id": "c-1"})
    assert server_side == ["Internal error (HTTP 500) [correlation id c-1]"]


def test_a_problem_names_what_was_being_done():
    problem = ApiProblem(401, {"title": "Invalid credentials",
                               "detail": "the email or the password is wrong"})
    problem.context = "cannot sign in as a@b.example"
    assert problem.lines() == ["cannot sign in as a@b.example: Invalid credentials (HTTP 401): "
                               "the email or the password is wrong"]
    assert problem.detail == "the email or the password is wrong"


def test_row_errors_flatten_like_field_errors():
    assert error_lines({"_row": ["expected 7 columns, found 3"]}) == [
        "expected 7 columns, found 3"]
    assert error_lines(None) == []


# --- import jobs ----------------------------------------------------------------------------


class FakeJobs:
    """The import endpoint's answers, one state per poll."""

    def __init__(self, states: list[dict]):
        self.states, self.asked = states, []

    def get(self, path: str, **params):
        self.asked.append((path, params))
        return self.states.pop(0)


def test_follow_import_polls_until_the_end_and_fetches_the_first_errors():
    job = {"id": "j1", "status": "queued", "total": 4, "processed": 0}
    jobs = FakeJobs([{**job, "status": "running", "processed": 2},
                     {**job, "status": "done", "processed": 4},
                     {**job, "status": "done", "processed": 4, "errors": [{"line": 3}]}])
    seen = []
    final = follow_import(jobs, job, lambda state: seen.append(state["processed"]),
                          poll_seconds=0)
    assert seen == [0, 2, 4]
    assert final["errors"] == [{"line": 3}]
    assert jobs.asked[-1] == ("/contacts/import/j1", {"errors_limit": 10})


def test_job_report_gives_counts_first_errors_and_the_full_report():
    job = {"id": "j1", "filename": "people.csv", "status": "done", "total": 7, "processed": 7,
           "created": 4, "updated": 0, "skipped": 1, "failed": 2, "dry_run": False,
           "errors": [{"line": 7, "errors": {"_row": ["expected 7 columns, found 3"]}},
                      {"line": 8, "errors": {"email": ["not a valid email address"]}}]}
    assert job_report(job, "http://crm/report") == [
        "people.csv: import done",
        "  7 of 7 rows: created 4 · updated 0 · skipped 1 · failed 2",
        "2 rows failed:",
        "  line 7: expected 7 columns, found 3",
        "  line 8: email: not a valid email address",
        "Every row error: GET http://crm/report",
    ]


def test_job_report_of_a_failed_or_dry_run():
    failed = job_report({"status": "failed", "error": "the import stopped: boom", "total": 9,
                         "processed": 3, "failed": 0, "errors": []}, "u")
    assert failed[:2] == ["the file: import failed", "  the import stopped: boom"]
    dry = job_report({"status": "done", "dry_run": True, "filename": "x.csv", "created": 1}, "u")
    assert dry[0] == "x.csv: import done (dry run: nothing was written)"
    many = job_report({"status": "done", "failed": 40, "errors": [{"line": 2}]}, "u")
    assert "40 rows failed, the first 1:" in many


# --- connection -----------------------------------------------------------------------------


def _args(**given) -> argparse.Namespace:
    return argparse.Namespace(**{"url": None, "email": None, "password": None, **given})


def test_connection_defaults_from_the_environment():
    env = {"CRM_GATEWAY_PORT": "9000", "CRM_ADMIN_EMAIL": "a@b.example",
           "CRM_ADMIN_PASSWORD": "pw"}
    assert connection_from(_args(), env) == Connection("http://127.0.0.1:9000",
                                                       "a@b.example", "pw")
    assert connection_from(_args(), {**env, "CRM_URL": "https://crm.example/"}).url == \
        "https://crm.example"


def test_an_api_key_is_used_unless_a_person_signs_in_explicitly():
    env = {"CRM_API_KEY": "k-1", "CRM_ADMIN_EMAIL": "a@b.example", "CRM_ADMIN_PASSWORD": "pw"}
    assert connection_from(_args(), env).api_key == "k-1"
    explicit = connection_from(_args(email="c@d.example", password="secret"), env)
    assert (explicit.api_key, explicit.email) == (None, "c@d.example")


def test_no_credentials_or_a_bad_url_are_usage_errors():
    with pytest.raises(UsageError, match="who signs in"):
        connection_from(_args(), {})
    with pytest.raises(UsageError, match="no password"):
        connection_from(_args(email="a@b.example"), {})  # stdin is not a terminal here
    with pytest.raises(UsageError, match="http://"):
        connection_from(_args(url="crm.example"), {"CRM_API_KEY": "k"})


def test_main_reports_a_missing_file_in_one_line(tmp_path, capsys):
    assert main(["import", "contacts", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err == f"crm: {tmp_path / 'none.csv'}: no such file\n"


# --- demo data ------------------------------------------------------------------------------


def test_the_demo_data_set_is_reproducible_and_sized_as_asked():
    first, again = build_dataset(80, seed=42), build_dataset(80, seed=42)
    assert first == again
    assert build_dataset(80, seed=43) != first
    assert len(first.contacts) == 80 and 3 <= len(first.accounts) <= 30
    assert len(build_dataset(400, seed=1).accounts) == 30


def test_demo_contacts_are_valid_for_the_api():
    dataset = build_dataset(120, seed=3)
    domains = {a.name: a.domain for a in dataset.accounts}
    emails = [c.email for c in dataset.contacts]
    assert len(set(emails)) == len(emails)
    for contact in dataset.contacts:
        assert contact.email.endswith("@" + domains[contact.account])
        assert contact.lifecycle_stage in LIFECYCLE_STAGES
        if contact.phone:
            number = phonenumbers.parse(contact.phone)
            assert phonenumbers.is_valid_number(number)
            assert phonenumbers.region_code_for_number(number) == contact.country
    for account in dataset.accounts:
        assert phonenumbers.is_valid_number(phonenumbers.parse(account.phone))
        assert account.payload()["custom_fields"]["arr"] > 0


def test_near_duplicates_look_like_their_original_but_import_as_new():
    dataset = build_dataset(120, seed=5)
    twins = dataset.near_duplicates
    assert len(twins) == 3
    by_email = {c.email: c for c in dataset.contacts}
    for twin in twins:
        original = by_email[twin.duplicate_of]
        assert twin.account == original.account and twin.first_name == original.first_name
        assert twin.email != original.email and twin.phone is None
        assert len(twin.last_name) - len(original.last_name) in (0, 1)


def test_names_become_domains_and_typos():
    assert ascii_slug("Société Générale d'Énergie") == "societe-generale-denergie"
    assert company_domain("Rey Bodin S.A.S.") == "rey-bodin.example"
    assert company_domain("Hussain and Sons") == "hussain.example"
    assert company_domain("SA") == "sa.example"
    typo = with_typo("Dupont", random.Random(0))
    assert len(typo) == 7 and typo != "Dupont" and typo[0] == "D"
