"""The contacts service in a real nameko container, on a real database and broker."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select, update

from contacts.exceptions import Gone, ValidationFailed
from contacts.models import ImportChunk, ImportJob
from crm_testing.processes import wait_until


@pytest.fixture
def service(start_service):
    return start_service()


def test_a_write_and_its_event_leave_together(service, amqp_uri, events):
    with ServiceRpcProxy("contacts", {"AMQP_URI": amqp_uri},
                         context_data={"correlation_id": "corr-1", "user_id": "u-7"}) as rpc:
        account = rpc.create_account({"name": "Globex"})
        contact = rpc.create_contact({"first_name": "Hank", "last_name": "Scorpio",
                                      "email": "Hank@Globex.example",
                                      "account_id": account["id"]})
    assert contact["email"] == "hank@globex.example"
    published = events(2)
    assert [event["type"] for event in published] == ["account.created", "contact.created"]
    created = published[1]
    assert created["data"]["contact"]["id"] == contact["id"]
    assert created["correlation_id"] == "corr-1"
    assert created["data"]["changed_by"] == "u-7"


def test_validation_errors_name_the_fields_and_write_nothing(service, amqp_uri):
    with ServiceRpcProxy("contacts", {"AMQP_URI": amqp_uri}) as rpc:
        with pytest.raises(RemoteError) as unknown:
            rpc.create_contact({"last_name": "X", "wat": 1})
        with pytest.raises(RemoteError) as malformed:
            rpc.create_contact({"email": "nope", "phone": "12"})
        assert rpc.list_contacts({})["items"] == []
    assert unknown.value.exc_type == malformed.value.exc_type == "ValidationFailed"
    assert "wat" in str(unknown.value)
    assert "'email'" in str(malformed.value) and "'phone'" in str(malformed.value)


def _run_import(service, rows: bytes, **options) -> dict:
    with entrypoint_hook(service, "start_import", context_data={"user_id": "u-importer"}) \
            as start:
        job = start({"dedup": "skip", "filename": "people.csv", **options})
    with entrypoint_hook(service, "add_import_chunk") as add:
        for seq, offset in enumerate(range(0, len(rows), 10_000)):
            add(job["id"], seq, base64.b64encode(rows[offset:offset + 10_000]).decode())
    with entrypoint_hook(service, "finish_import_upload") as finish:
        finish(job["id"])

    def done() -> bool:
        with entrypoint_hook(service, "get_import_job") as get:
            return get(job["id"])["status"] == "done"

    wait_until(done, timeout=60, interval=0.3, message="the import to finish")
    with entrypoint_hook(service, "get_import_job") as get:
        return get(job["id"])


def test_import_job_runs_to_done_through_the_timer(service, events):
    rows = b"first_name,last_name,email,company\n" + b"".join(
        f"P{i},Person{i},p{i}@example.org,Company {i % 3}\n".encode() for i in range(1200))
    final = _run_import(service, rows)
    assert (final["total"], final["processed"], final["created"], final["failed"]) == \
        (1200, 1200, 1200, 0)
    with entrypoint_hook(service, "list_accounts") as accounts:
        assert len(accounts({})["items"]) == 3

    # The new contacts are announced a batch at a time (500 rows), each of them once, by
    # the one who started the import.
    published = [event for event in events(6) if event["type"] == "contact.imported"]
    assert [len(event["data"]["contacts"]) for event in published] == [500, 500, 200]
    emails = [contact["email"] for event in published for contact in event["data"]["contacts"]]
    assert emails == [f"p{i}@example.org" for i in range(1200)]
    assert {(event["data"]["job_id"], event["data"]["changed_by"]) for event in published} \
        == {(final["id"], "u-importer")}


def _stored_chunks(sessions) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(ImportChunk))


def test_an_import_forgets_its_file_when_it_ends(service, sessions):
    # The file names every person in it: kept, it would outlive their erasure.
    final = _run_import(service, b"first_name,email\nAda,ada@engine.example\n")
    assert final["status"] == "done" and _stored_chunks(sessions) == 0

    with entrypoint_hook(service, "start_import") as start:
        job = start({"dedup": "skip", "filename": "broken.csv"})
    with entrypoint_hook(service, "add_import_chunk") as add:
        add(job["id"], 0, base64.b64encode(b",,\n1,2,3\n").decode())  # no header
    with entrypoint_hook(service, "finish_import_upload") as finish, \
            pytest.raises(ValidationFailed):
        finish(job["id"])
    with entrypoint_hook(service, "get_import_job") as get:
        assert get(job["id"])["status"] == "failed"
    assert _stored_chunks(sessions) == 0


def test_an_upload_abandoned_for_an_hour_fails_and_its_file_goes(service, sessions):
    with entrypoint_hook(service, "start_import") as start:
        stale, fresh = (start({"dedup": "skip", "filename": f"{name}.csv"})
                        for name in ("stale", "fresh"))
    with entrypoint_hook(service, "add_import_chunk") as add:
        for job in (stale, fresh):
            add(job["id"], 0, base64.b64encode(b"first_name\nAda\n").decode())
    with sessions() as session:  # the gateway went away an hour ago, mid-upload
        session.execute(update(ImportJob).where(ImportJob.id == stale["id"]).values(
            updated_at=datetime.now(UTC) - timedelta(hours=1, minutes=1)))
        session.commit()

    def status(job) -> str:
        with entrypoint_hook(service, "get_import_job") as get:
            return get(job["id"])["status"]

    wait_until(lambda: status(stale) == "failed", timeout=10, message="the sweep")
    assert status(fresh) == "uploading" and _stored_chunks(sessions) == 1


def test_an_import_row_may_update_a_contact_made_earlier_in_its_batch(service, events):
    rows = (b"first_name,last_name,email,title\n"
            b"Ada,Lovelace,ada@engine.example,\n"
            b"Charles,Babbage,charles@engine.example,\n"
            b",,ADA@engine.example,Countess\n")
    dry = _run_import(service, rows, dedup="update", dry_run=True)
    assert (dry["created"], dry["updated"], dry["failed"]) == (2, 1, 0)
    with entrypoint_hook(service, "list_contacts") as contacts:
        assert contacts({})["items"] == []  # a dry run writes nothing

    final = _run_import(service, rows, dedup="update")
    assert (final["created"], final["updated"], final["failed"]) == (2, 1, 0)
    with entrypoint_hook(service, "list_contacts") as contacts:
        listed = {item["email"]: item for item in contacts({})["items"]}
    assert set(listed) == {"ada@engine.example", "charles@engine.example"}
    assert (listed["ada@engine.example"]["title"], listed["ada@engine.example"]["version"]) \
        == ("Countess", 2)
    types = [event["type"] for event in events(2)]
    assert sorted(types) == ["contact.imported", "contact.updated"]


def test_the_360_part_reads_consents_and_merges_only_for_contacts_that_have_some(service):
    def call(name, *args):
        with entrypoint_hook(service, name) as hook:
            return hook(*args)

    ada = call("create_contact", {"first_name": "Ada", "last_name": "Lovelace",
                                  "email": "ada@engine.example"})
    copy = call("create_contact", {"first_name": "Ada", "last_name": "Lovelace",
                                   "email": "ada.l@engine.example"})
    bare = call("create_contact", {"first_name": "Charles", "last_name": "Babbage"})
    call("record_consent", ada["id"], {"channel": "email", "status": "granted"})
    call("record_consent", ada["id"], {"channel": "email", "status": "withdrawn"})

    before = call("contact_360", ada["id"])
    assert [d["contact"]["id"] for d in before["duplicates"]] == [copy["id"]]
    call("merge_contacts", ada["id"], {"other_id": copy["id"], "choices": {}})
    view = call("contact_360", ada["id"])

    assert view["contact"]["id"] == ada["id"] and view["duplicates"] == []
    assert [c["status"] for c in view["consents"]["history"]] == ["granted", "withdrawn"]
    assert view["consents"]["current"]["email"]["status"] == "withdrawn"
    assert [m["merged_id"] for m in view["merges"]] == [copy["id"]]
    assert call("contact_360", bare["id"]) == {
        "contact": call("get_contact", bare["id"]),
        "consents": {"current": {}, "history": []}, "duplicates": [], "merges": []}
    with pytest.raises(Gone) as gone:
        call("contact_360", copy["id"])  # merged away: gone, saying where to
    assert ada["id"] in gone.value.message


def test_a_key_shared_by_more_than_the_bucket_cap_finds_no_one(service, monkeypatch):
    """As in the whole-base report: a switchboard's number (or a very common name at a
    large base) is not scored on every look at a contact."""
    from contacts.domain import dedup

    def create(n: int, phone: str) -> dict:
        with entrypoint_hook(service, "create_contact") as hook:
            return hook({"first_name": f"Caller{n}", "last_name": f"Person{n}",
                         "phone": phone})

    switchboard = [create(n, "+33142685300") for n in range(4)]
    pair = [create(n, "+33142685399") for n in (10, 11)]
    monkeypatch.setattr(dedup, "BUCKET_CAP", 3)
    with entrypoint_hook(service, "find_duplicates") as find:
        assert find(switchboard[0]["id"]) == []  # 4 share it: over the cap
        assert [d["contact"]["id"] for d in find(pair[0]["id"])] == [pair[1]["id"]]
    monkeypatch.setattr(dedup, "BUCKET_CAP", 4)
    with entrypoint_hook(service, "find_duplicates") as find:
        assert len(find(switchboard[0]["id"])) == 3
