"""Synthetic contacts: a bulk load straight into the contacts database, and an import CSV."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from contacts.domain.search import search_text
from contacts.models import Account, Contact

FIRST = ["Jean", "Marie", "Pierre", "Sophie", "Luc", "Zoë", "Hélène", "Noah", "Emma", "Liam",
         "Olivia", "Lucas", "Chloé", "Hugo", "Léa", "Louis", "Camille", "Arthur", "Inès", "Jules",
         "Anna", "Tom", "Sarah", "Paul", "Julia", "Marc", "Nina", "Adam", "Eva", "Victor"]
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
        "Leroy", "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David",
        "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
        "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Müller", "Smith",
        "Johnson", "O'Brien", "Nguyen", "Rossi", "Kowalski", "Schmidt", "Silva", "Jansen"]
COMPANIES = [f"{word} {kind}" for word in ("Acme", "Globex", "Initech", "Umbrella", "Hooli",
                                           "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent",
                                           "Wonka", "Vandelay", "Pied Piper", "Gringotts")
             for kind in ("SA", "SARL", "GmbH", "Ltd", "Inc")]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "acme.example.com",
           "globex.example.org"]
TITLES = ["CEO", "CTO", "Sales Manager", "Buyer", "Engineer", "Office Manager", ""]

# realistic queries: a common name, a rarer one, a first+last pair, a company, an email
# fragment, an accent-insensitive spelling, and a term that matches nothing
SEARCH_TERMS = ["martin", "kowalski", "marie dubois", "globex", "mail.example", "lefebvre",
                "zoe nguyen", "no-such-person-xyz"]


def person(rng: random.Random, serial: int, tag: str) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = f"{first}.{last}".lower().replace("'", "")
    ascii_local = local.encode("ascii", "ignore").decode() or "x"
    return {"first_name": first, "last_name": last,
            "email": f"{ascii_local}.{tag}{serial}@{rng.choice(DOMAINS)}",
            "title": rng.choice(TITLES), "account": rng.choice(COMPANIES)}


def bulk_load(database_url: str, count: int, seed: int = 7, batch: int = 20_000) -> int:
    """Insert ``count`` contacts (and their accounts) with the columns the service fills."""
    rng = random.Random(seed)
    engine = create_engine(database_url)
    stamp = datetime.now(UTC) - timedelta(days=30)
    accounts = {name: str(uuid.uuid4()) for name in COMPANIES}
    with engine.begin() as connection:
        connection.execute(Account.__table__.insert(), [
            {"id": account_id, "version": 1, "created_at": stamp, "updated_at": stamp,
             "name": name, "name_key": name.lower(), "custom_fields": {}}
            for name, account_id in accounts.items()])
    postgres = make_url(database_url).get_backend_name() == "postgresql"
    done = 0
    while done < count:
        rows = []
        for serial in range(done, min(count, done + batch)):
            p = person(rng, serial, "b")
            created = stamp + timedelta(seconds=serial)
            rows.append({
                "id": str(uuid.uuid4()), "version": 1, "created_at": created,
                "updated_at": created, "first_name": p["first_name"],
                "last_name": p["last_name"], "email": p["email"].lower(),
                "email_normalized": p["email"].lower(), "title": p["title"] or None,
                "account_id": accounts[p["account"]], "lifecycle_stage": "lead",
                "source": "bench", "tags": [], "custom_fields": {},
                "search_text": search_text(p["first_name"], p["last_name"], p["email"],
                                           p["account"]),
            })
        if postgres:
            copy_rows(engine, "contacts", rows)
        else:
            with engine.begin() as connection:
                connection.execute(Contact.__table__.insert(), rows)
        done += len(rows)
    with engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql("ANALYZE contacts")
        else:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return done


def copy_rows(engine, table: str, rows: list[dict]) -> None:
    """Rows into a PostgreSQL table by COPY: the fastest way in, by far."""
    columns = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in columns])
    buffer.seek(0)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", buffer)
        raw.commit()
    finally:
        raw.close()


def _csv_value(value):
    if value is None:
        return ""  # unquoted empty field: NULL in COPY's csv format
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def write_import_csv(path: Path, count: int, seed: int = 11) -> Path:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["first_name", "last_name", "email", "title", "account"])
        writer.writeheader()
        for serial in range(count):
            writer.writerow(person(rng, serial, "i"))
    return path
