"""The audit log's batched writer: nothing lost, order kept, a database outage survived."""

from __future__ import annotations

import threading

from sqlalchemy import select

from gateway.audit import AuditWriter
from gateway.models import AuditEntry, now


def entry(path: str) -> dict:
    return {"at": now(), "actor_type": "user", "actor_id": "u1", "method": "POST",
            "path": path, "status": 201, "resource_id": None, "ip": "127.0.0.1",
            "user_agent": "test", "correlation_id": "c"}


def saved_paths(sessions) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry.path).order_by(AuditEntry.id)))


def test_entries_from_many_threads_are_all_saved_in_order(app):
    sessions = app.extensions["crm.sessions"]
    writer = AuditWriter(sessions, flush_seconds=0.01)

    def write(thread: int) -> None:
        for n in range(200):
            writer.record(entry(f"/t{thread}/{n:03d}"))

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    paths = saved_paths(sessions)
    assert len(paths) == 800
    for t in range(4):
        mine = [p for p in paths if p.startswith(f"/t{t}/")]
        assert mine == [f"/t{t}/{n:03d}" for n in range(200)]


class Outage:
    """A session factory whose database is away until `back` is set."""

    def __init__(self, sessions):
        self.sessions, self.back = sessions, False

    def __call__(self):
        if not self.back:
            raise ConnectionError("database away")
        return self.sessions()


def test_entries_wait_for_the_database_and_go_in_when_it_is_back(app):
    outage = Outage(app.extensions["crm.sessions"])
    writer = AuditWriter(outage, flush_seconds=3600)  # saves only when told to
    writer.record(entry("/first"))
    try:
        writer.flush()
    except ConnectionError:
        pass
    else:
        raise AssertionError("the save should have failed")
    writer.record(entry("/second"))
    outage.back = True
    writer.close()
    assert saved_paths(outage.sessions) == ["/first", "/second"]


def test_a_full_backlog_drops_and_counts_instead_of_growing(app):
    outage = Outage(app.extensions["crm.sessions"])
    writer = AuditWriter(outage, flush_seconds=3600, max_pending=3)
    for n in range(5):
        writer.record(entry(f"/{n}"))
    assert writer.dropped == 2
    outage.back = True
    writer.close()
    assert saved_paths(outage.sessions) == ["/0", "/1", "/2"]


def test_reading_the_log_shows_the_callers_own_write_at_once(client, login):
    admin = login("admin")
    client.post("/api/v1/users", headers=admin, json={
        "email": "new.one@crm.test", "name": "New One", "password": "correct horse battery",
        "role": "sales_rep"})
    entries = client.get("/api/v1/audit", headers=admin).get_json()["items"]
    assert entries[0]["path"] == "/api/v1/users" and entries[0]["method"] == "POST"
