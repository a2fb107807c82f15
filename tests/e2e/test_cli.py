"""The `crm` command against the real platform, run as a person runs it: a subprocess
with the platform's environment, judged by its exit code and what it prints."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

IMPORT_CSV = """first_name,last_name,email,phone,account,tags,lifecycle_stage
Octave,Quillard,octave@cli-import.example,+33 6 12 34 56 70,Quillard Outillage,"cli,fr",lead
Philippa,Ormsby,philippa@cli-import.example,,Ormsby Rigging Ltd,cli,customer
Bartholomé,Vasseur,not-an-email,,Quillard Outillage,cli,lead
Ignatius,Trelawney,ignatius@cli-import.example,+44 20 7946 0958,Ormsby Rigging Ltd,,
"""


def crm(platform, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, **platform.env, "CRM_URL": platform.url, **env}
    environ.pop("CRM_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "crm_cli.main", *args], env=environ,
                          capture_output=True, text=True, timeout=120)


def signed_in(platform) -> requests.Session:
    session = requests.Session()
    credentials = {"email": platform.env["CRM_ADMIN_EMAIL"],
                   "password": platform.env["CRM_ADMIN_PASSWORD"]}
    token = session.post(f"{platform.url}/api/v1/auth/token", json=credentials,
                         timeout=30).json()["access_token"]
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def every(session: requests.Session, url: str) -> list[dict]:
    items, cursor = [], None
    while True:
        page = session.get(url, params={"limit": 500, **({"cursor": cursor} if cursor else {})},
                           timeout=30).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


@pytest.fixture(scope="module")
def demo_platform(start_platform, tmp_path_factory):
    """A platform of the demo's own: its Faker names and companies would otherwise turn up
    in the searches of the other end-to-end tests, which share the session's platform."""
    own = start_platform(tmp_path_factory.mktemp("demo_platform"), "crm_e2e_demo")
    yield own
    own.stop()


def test_demo_loads_a_realistic_data_set_and_can_run_again(demo_platform):
    first = crm(demo_platform, "demo", "--contacts", "40")
    assert first.returncode == 0, first.stderr
    assert "40 created" in first.stdout, first.stdout

    api = signed_in(demo_platform)
    base = f"{demo_platform.url}/api/v1"
    contacts = every(api, f"{base}/contacts")
    assert len(contacts) >= 40
    assert {c["lifecycle_stage"] for c in contacts} >= {"lead", "customer"}
    assert {c["country"] for c in contacts} >= {"FR"}
    assert any(c["phone"] and c["phone"].startswith("+") for c in contacts)
    assert any(c["custom_fields"].get("preferred_language") in ("fr", "en") for c in contacts)
    accounts = every(api, f"{base}/accounts")
    assert accounts and any(a["custom_fields"].get("arr") for a in accounts)
    assert {a["tier"] for a in accounts} <= {"standard", "gold", "vip"}
    assert all(c["email"].endswith(".example") for c in contacts if c["email"])

    groups = api.get(f"{base}/contacts/duplicates", timeout=30).json()["items"]
    assert groups, "the demo plants near-duplicates"
    someone = groups[0][0]["contact"]["id"]
    assert api.get(f"{base}/contacts/{someone}/duplicates", timeout=30).json()["items"]
    consents = [api.get(f"{base}/contacts/{c['id']}/consents", timeout=30).json()
                for c in contacts[:10]]
    assert "granted" in str(consents)

    # The sales side: deals over the pipeline, some won with their order, a busy day.
    deals = every(api, f"{base}/opportunities")
    assert len(deals) >= len(accounts)
    assert {d["status"] for d in deals} >= {"open", "won"}
    assert {d["currency"] for d in deals} >= {"EUR"}
    assert all(d["account_id"] for d in deals)
    orders = every(api, f"{base}/orders")
    assert orders and all(o["total"] != "0.00" for o in orders)
    board = api.get(f"{base}/opportunities/board", timeout=30).json()
    assert sum(column["count"] for column in board["stages"]) == \
        sum(d["status"] == "open" for d in deals)
    day = api.get(f"{base}/activities/my-day", timeout=30).json()
    assert day["items"] and day["overdue"] >= 1
    # The support side: a knowledge base, and tickets in every state.
    tickets = every(api, f"{base}/tickets")
    assert len(tickets) >= 20 and {t["status"] for t in tickets} >= {"new", "open", "solved"}
    assert api.get(f"{base}/kb/articles", params={"q": "export"}, timeout=30).json()["items"]
    # The marketing side: segments, a campaign sent to the leads who agreed to email.
    segments = every(api, f"{base}/segments")
    assert {s["name"] for s in segments} >= {"Leads who agreed to email"}
    # One listing: the campaign may finish sending between two filtered ones.
    [campaign] = [c for c in every(api, f"{base}/campaigns")
                  if c["status"] in ("sending", "sent")]
    assert campaign["skipped_without_consent"] >= 0 and every(api, f"{base}/scenarios")

    again = crm(demo_platform, "demo", "--contacts", "40")
    assert again.returncode == 0, again.stderr
    assert "0 created" in again.stdout and "already there" in again.stdout, again.stdout
    assert len(every(api, f"{base}/contacts")) == len(contacts)
    assert len(every(api, f"{base}/accounts")) == len(accounts)
    assert len(every(api, f"{base}/opportunities")) == len(deals)
    assert len(every(api, f"{base}/orders")) == len(orders)
    assert len(every(api, f"{base}/tickets")) == len(tickets)
    assert len(every(api, f"{base}/segments")) == len(segments)


def test_import_reports_counts_and_the_bad_line(platform, tmp_path: Path):
    people = tmp_path / "people.csv"
    people.write_text(IMPORT_CSV, encoding="utf-8")
    done = crm(platform, "import", "contacts", str(people))
    assert done.returncode == 0, done.stderr
    assert "import done" in done.stdout
    assert "created 3" in done.stdout and "failed 1" in done.stdout, done.stdout
    assert "line 4: email:" in done.stdout, done.stdout

    again = crm(platform, "import", "contacts", str(people), "--dedup", "skip")
    assert again.returncode == 0 and "skipped 3" in again.stdout, again.stdout


def test_import_dry_run_with_a_mapping_writes_nothing(platform, admin_api, tmp_path: Path):
    french = tmp_path / "prospects.csv"
    french.write_text("Nom;Prénom;Adresse e-mail pro\nDurandal;Hortense;"
                      "hortense@cli-dry-run.example\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"Nom": "last_name", "Prénom": "first_name", '
                       '"Adresse e-mail pro": "email"}', encoding="utf-8")
    dry = crm(platform, "import", "contacts", str(french), "--mapping", f"@{mapping}",
              "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "created 1" in dry.stdout, dry.stdout
    assert admin_api.get("/api/v1/contacts?q=durandal").json()["items"] == []

    unknown = crm(platform, "import", "contacts", str(french), "--mapping",
                  '{"Nom": "shoe_size"}')
    assert unknown.returncode == 2
    assert "shoe_size" in unknown.stderr and "Traceback" not in unknown.stderr


def test_expected_errors_are_one_clear_line_and_exit_2(platform, tmp_path: Path):
    missing = crm(platform, "import", "contacts", str(tmp_path / "nowhere.csv"))
    assert missing.returncode == 2
    assert "nowhere.csv: no such file" in missing.stderr

    people = tmp_path / "people.csv"
    people.write_text("email\nsomeone@cli-errors.example\n", encoding="utf-8")
    refused = crm(platform, "import", "contacts", str(people), "--password", "not-this-one")
    assert refused.returncode == 2
    assert "the email or the password is wrong" in refused.stderr, refused.stderr

    unreachable = crm(platform, "import", "contacts", str(people), "--url",
                      "http://127.0.0.1:9")
    assert unreachable.returncode == 2
    assert "cannot reach the CRM" in unreachable.stderr
    for result in (missing, refused, unreachable):
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
