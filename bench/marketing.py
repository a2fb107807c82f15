"""Marketing runs: a dynamic segment evaluated over a large audience, and a campaign mailed
to the local SMTP server (`crm mailbox`) with the marketing service killed halfway through
and started again, counting every mail that arrived by its Message-ID."""

from __future__ import annotations

import random
import re
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine

from bench.data import COMPANIES, FIRST, LAST
from crm_testing.platform import SERVICES
from crm_testing.processes import wait_until
from marketing.models import ContactView

MAILABLE_TAG = "bench-mail"  # the contacts the campaign's segment selects
CITIES = ["Paris", "Lyon", "Lille", "Nantes", "Bordeaux", "Berlin", "London", "Madrid"]
# Lyon and agreed to email: what a marketer's dynamic segment typically asks
SEGMENT_RULES = {"match": "all", "conditions": [
    {"field": "city", "op": "eq", "value": "Lyon"},
    {"field": "consent.email", "op": "eq", "value": "granted"}]}
CAMPAIGN_RULES = {"match": "all", "conditions": [
    {"field": "tags", "op": "has", "value": MAILABLE_TAG},
    {"field": "consent.email", "op": "eq", "value": "granted"}]}
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


def load_audience(database_url: str, count: int, mailable: int, seed: int = 11,
                  batch: int = 20_000) -> None:
    """`count` contacts written straight into the marketing service's projection, as the
    contacts service's events would have built it (the run measures evaluating and
    sending, not the projection). The first `mailable` agreed to email and carry the tag
    the campaign selects; the others agreed, refused or never said."""
    rng = random.Random(seed)
    stamp = datetime.now(UTC) - timedelta(days=30)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            rows = []
            for serial in range(count):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                chosen = serial < mailable
                rows.append({
                    "id": str(uuid.uuid4()), "first_name": first, "last_name": last,
                    "email": f"audience.{serial}@bench.example.com", "phone": None,
                    "title": None, "account_id": None, "owner_id": None,
                    "lifecycle_stage": rng.choice(["lead", "prospect", "customer"]),
                    "source": rng.choice(["web", "event", "import"]),
                    "city": rng.choice(CITIES), "country": None,
                    "tags": [MAILABLE_TAG] if chosen else [rng.choice(COMPANIES).lower()],
                    "custom_fields": {},
                    "email_consent": "granted" if chosen
                    else rng.choice(["granted", "denied", "unknown"]),
                    "email_consent_at": stamp, "version": 1})
                if len(rows) == batch:
                    connection.execute(ContactView.__table__.insert(), rows)
                    rows = []
            if rows:
                connection.execute(ContactView.__table__.insert(), rows)
    finally:
        engine.dispose()


def segment_run(api, base: str, audience: int, repeats: int, checked) -> dict:
    """Counting a dynamic segment's members, then saving it (which evaluates it)."""
    seconds, count = [], None
    for _ in range(repeats):
        began = time.monotonic()
        count = checked(api.post(f"{base}/segments/count", json={"rules": SEGMENT_RULES},
                                 timeout=120)).json()["count"]
        seconds.append(time.monotonic() - began)
    began = time.monotonic()
    checked(api.post(f"{base}/segments", timeout=120, json={
        "name": "Bench: Lyon, agreed to email", "rules": SEGMENT_RULES}), 201)
    return {"audience": audience, "members": count,
            "count_p50_s": round(statistics.median(seconds), 3),
            "count_max_s": round(max(seconds), 3),
            "save_s": round(time.monotonic() - began, 3)}


def campaign_run(platform, api, base: str, mails: int, timeout: float, checked) -> dict:
    """Send to `mails` consenting contacts; kill the service when half have arrived, start
    it again, and count what the mailbox holds per Message-ID."""
    folder = Path(platform.workdir) / "mail"
    segment = checked(api.post(f"{base}/segments", timeout=120, json={
        "name": "Bench: the campaign's audience", "rules": CAMPAIGN_RULES}), 201).json()
    template = checked(api.post(f"{base}/templates", timeout=30, json={
        "name": "Bench mail", "subject": "{{ contact.first_name }}, a bench mail",
        "text_body": "Hello {{ contact.first_name }},\n{{ unsubscribe_url }}\n"}), 201).json()
    campaign = checked(api.post(f"{base}/campaigns", timeout=30, json={
        "name": "Bench campaign", "segment_id": segment["id"],
        "template_id": template["id"]}), 201).json()
    began = time.monotonic()
    checked(api.post(f"{base}/campaigns/{campaign['id']}/send", timeout=120))

    def arrived() -> int:
        return sum(1 for _ in folder.glob("*.eml")) if folder.exists() else 0

    wait_until(lambda: arrived() >= mails // 2, timeout=timeout, interval=0.1,
               message="half of the campaign in the mailbox")
    platform.services["marketing"].process.kill()  # SIGKILL: no goodbye, leases held
    killed_after = arrived()
    platform.services["marketing"].process.wait(30)
    restarted = time.monotonic()
    # Under another name: a log of its own, in which its start is awaited.
    platform.services["marketing"] = platform.start_nameko(
        "marketing-restarted", SERVICES["marketing"], "marketing")
    restart_s = time.monotonic() - restarted

    def sent_all() -> bool:
        metrics = checked(api.get(f"{base}/campaigns/{campaign['id']}/metrics",
                                  timeout=30)).json()
        return arrived() >= mails and metrics.get("sent") == mails

    wait_until(sent_all, timeout=timeout, interval=0.25, message="the whole campaign sent")
    seconds = time.monotonic() - began
    ids = [match.group(1) for path in folder.glob("*.eml")
           if (match := MESSAGE_ID.search(path.read_bytes()[:4096]))]
    unique = len(set(ids))
    return {"mails": mails, "files": len(ids), "unique_message_ids": unique,
            "lost": mails - unique, "doubled": len(ids) - unique,
            "killed_after": killed_after, "restart_s": round(restart_s, 1),
            "seconds": round(seconds, 1), "mails_per_s": round(unique / seconds, 1)}
