"""A new user's first hour, through the real gateway and the real contacts service:
sign in, import a CSV, find and merge duplicates, read the unified view."""

from __future__ import annotations

import csv
import io
import json

CSV_ROWS = """First Name,Last Name,Email,Phone,Company,Job Title,Tags
Ada,Lovelace,ada@analytical.example,+44 20 7946 0001,Analytical Engines Ltd,Countess,"vip,uk"
Charles,Babbage,charles@analytical.example,+44 20 7946 0002,Analytical Engines,Inventor,
Zoë,Lefèvre,zoe.lefevre@acme.example,06 12 34 56 78,ACME SAS,CTO,fr
Zoe,Lefevre,zoe@acme.example,,Acme,CTO,
Ada,Lovelace,ADA@analytical.example,,Analytical Engines Ltd,Countess,
Broken,Row,only-three-cells
Bad,Email,not-an-email,,,,
"""


def _import(api, content: bytes, filename="people.csv", **form) -> dict:
    response = api.post("/api/v1/contacts/import", files={"file": (filename, content)},
                        data={k: (json.dumps(v) if isinstance(v, dict) else str(v).lower())
                              for k, v in form.items()})
    assert response.status_code == 202, response.text
    assert response.headers["Location"].endswith(response.json()["id"])
    return api.wait_for_import(response.json()["id"])


def test_import_dedup_merge_and_360(admin_api):
    dry = _import(admin_api, CSV_ROWS.encode(), dry_run=True)
    assert dry["status"] == "done" and dry["created"] == 4 and dry["failed"] == 2
    assert admin_api.get("/api/v1/contacts?q=lovelace").json()["items"] == []

    job = _import(admin_api, CSV_ROWS.encode(), dedup="skip")
    assert job["status"] == "done"
    assert (job["total"], job["processed"]) == (7, 7)
    assert (job["created"], job["skipped"], job["failed"]) == (4, 1, 2)
    lines = {error["line"]: error["errors"] for error in job["errors"]}
    assert "expected 7 columns" in json.dumps(lines[7])
    assert "email" in lines[8]

    found = admin_api.get("/api/v1/contacts?q=lefevre").json()["items"]
    assert len(found) == 2
    zoe = next(c for c in found if c["first_name"] == "Zoë")
    assert zoe["phone"] == "+33612345678"
    accounts = admin_api.get("/api/v1/accounts?q=acme").json()["items"]
    assert [a["name"] for a in accounts] == ["ACME SAS"]  # "Acme" found the same company

    duplicates = admin_api.get(f"/api/v1/contacts/{zoe['id']}/duplicates").json()["items"]
    other = duplicates[0]["contact"]
    assert other["email"] == "zoe@acme.example" and duplicates[0]["score"] >= 85

    merged = admin_api.post(f"/api/v1/contacts/{zoe['id']}/merge",
                            json={"other_id": other["id"], "choices": {"email": "other"}},
                            headers={"If-Match": f'"{zoe["version"]}"'})
    assert merged.status_code == 200, merged.text
    assert merged.json()["email"] == "zoe@acme.example"
    assert merged.json()["phone"] == "+33612345678"
    # A link kept from before the merge says where the person is now.
    moved = admin_api.get(f"/api/v1/contacts/{other['id']}")
    assert moved.status_code == 410 and zoe["id"] in moved.json()["detail"]

    view = admin_api.get(f"/api/v1/contacts/{zoe['id']}/360").json()
    assert view["complete"] is True and view["missing"] == []
    assert view["contact"]["email"] == "zoe@acme.example"
    assert view["merges"][0]["merged_id"] == other["id"]
    assert view["merges"][0]["snapshot"]["email"] == other["email"]

    account_view = admin_api.get(f"/api/v1/accounts/{accounts[0]['id']}/360").json()
    assert [c["id"] for c in account_view["contacts"]["items"]] == [zoe["id"]]


def test_reimport_with_update_policy_changes_existing_contacts(admin_api):
    rows = "email,title\nupdate.me@example.org,Intern\n"
    _import(admin_api, rows.encode())
    job = _import(admin_api, b"email,title\nUPDATE.ME@example.org,Director\n", dedup="update")
    assert (job["created"], job["updated"]) == (0, 1)
    contact = admin_api.get("/api/v1/contacts?email=update.me@example.org").json()["items"][0]
    assert contact["title"] == "Director" and contact["version"] == 2


def test_mapping_and_bad_files_get_clear_answers(admin_api):
    job = _import(admin_api, b"Nom;Courriel;Societe\nCurie;marie@radium.example;Institut\n",
                  mapping={"Nom": "last_name", "Courriel": "email", "Societe": "account"})
    assert job["created"] == 1
    bad_mapping = admin_api.post("/api/v1/contacts/import",
                                 files={"file": ("x.csv", b"a,b\n1,2\n")},
                                 data={"mapping": json.dumps({"zzz": "email"})})
    assert bad_mapping.status_code == 422
    assert "mapping" in bad_mapping.json()["errors"]
    latin1 = "last_name,email\nDupré,dupre@example.org\n".encode("latin-1")
    job = _import(admin_api, b"last_name,email\nOk,ok@example.org\n" + latin1.split(b"\n")[1])
    assert job["created"] == 1 and job["failed"] == 1
    assert "UTF-8" in json.dumps(job["errors"])
    empty = admin_api.post("/api/v1/contacts/import", files={"file": ("e.csv", b"")})
    assert empty.status_code == 422


def test_export_csv_and_vcard(admin_api):
    created = admin_api.post("/api/v1/contacts", json={
        "first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.example",
        "tags": ["cobol"]}).json()
    exported = admin_api.get("/api/v1/contacts/export.csv?tag=cobol")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["email"], r["tags"]) for r in rows] == [("grace@navy.example", "cobol")]
    card = admin_api.get(f"/api/v1/contacts/{created['id']}/vcard")
    assert card.headers["Content-Type"].startswith("text/vcard")
    assert "Hopper" in card.text and "grace@navy.example" in card.text
    job = _import(admin_api, card.text.replace("grace@navy.example", "g2@navy.example")
                  .encode(), filename="grace.vcf")
    assert job["created"] == 1, job


def test_consent_gdpr_export_and_erasure(admin_api):
    contact = admin_api.post("/api/v1/contacts", json={
        "first_name": "Erin", "last_name": "Erased", "email": "erin@example.org"}).json()
    consent = admin_api.post(f"/api/v1/contacts/{contact['id']}/consents",
                             json={"channel": "email", "status": "granted",
                                   "source": "web form"})
    assert consent.status_code == 201
    export = admin_api.get(f"/api/v1/contacts/{contact['id']}/gdpr-export").json()
    assert export["contact"]["email"] == "erin@example.org"
    assert export["consents"][0]["status"] == "granted"
    assert {e["type"] for e in export["events"]} >= {"contact.created", "consent.changed"}
    erased = admin_api.post(f"/api/v1/contacts/{contact['id']}/erase")
    assert erased.status_code == 200
    gone = admin_api.get(f"/api/v1/contacts/{contact['id']}")
    assert gone.status_code == 410 and "erased" in gone.json()["detail"]
    assert admin_api.get("/api/v1/contacts?q=erin").json()["items"] == []


def test_bad_input_is_a_problem_naming_the_field(admin_api):
    response = admin_api.post("/api/v1/contacts", json={"email": "nope", "phone": "12"})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) == {"email", "phone"}
    stale = admin_api.post("/api/v1/contacts", json={"last_name": "Stale"}).json()
    admin_api.patch(f"/api/v1/contacts/{stale['id']}", json={"title": "A"})
    conflict = admin_api.patch(f"/api/v1/contacts/{stale['id']}", json={"title": "B"},
                               headers={"If-Match": '"1"'})
    assert conflict.status_code == 412
    assert admin_api.get("/api/v1/contacts?sort=shoe_size").status_code == 422
    assert admin_api.get("/api/v1/contacts?cursor=garbage").status_code == 422
    assert admin_api.get("/api/v1/contacts/nope").status_code == 404


def test_metrics_count_every_worker_and_logs_carry_the_correlation_id(platform, admin_api):
    for _ in range(4):
        admin_api.get("/api/v1/contacts?limit=1", headers={"X-Correlation-ID": "trace-e2e-1"})
    text = admin_api.get("/metrics").text
    counted = [line for line in text.splitlines()
               if line.startswith("crm_gateway_requests_total")
               and 'endpoint="contacts.list_contacts"' in line and 'status="200"' in line]
    assert counted and sum(float(line.rsplit(" ", 1)[1]) for line in counted) >= 4
    # the service logged the same request
    assert "trace-e2e-1" in platform.services["contacts"].log()
