"""Operator commands of the gateway.

    python -m gateway.manage migrate           # bring the gateway's database to the newest schema
    python -m gateway.manage ensure-admin      # the first administrator, once
    python -m gateway.manage create-user EMAIL NAME ROLE   # password from CRM_NEW_PASSWORD or asked
    python -m gateway.manage issue-token [EMAIL]   # a short-lived token (default: the first admin)
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.auth import hash_password
from gateway.db import make_engine
from gateway.models import User
from gateway.permissions import ROLES
from gateway.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def migrate(settings: Settings) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    command.upgrade(config, "head")


def ensure_admin(settings: Settings) -> str:
    """Create the first admin from CRM_ADMIN_EMAIL / CRM_ADMIN_PASSWORD, or with a new
    password printed once. Does nothing when an admin exists."""
    with Session(make_engine(settings.database_url)) as session:
        admins = session.scalar(select(func.count()).select_from(User)
                                .where(User.role == "admin"))
        if admins:
            return "an administrator exists already"
        email = (os.environ.get("CRM_ADMIN_EMAIL") or "admin@crm.local").strip().lower()
        password = os.environ.get("CRM_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        session.add(User(email=email, name="Administrator", role="admin",
                         password_hash=hash_password(password)))
        session.commit()
    shown = password if not os.environ.get("CRM_ADMIN_PASSWORD") else "(CRM_ADMIN_PASSWORD)"
    return f"administrator created: {email} / {shown}  (shown once: keep it)"


def create_user(settings: Settings, email: str, name: str, role: str) -> str:
    if role not in ROLES:
        raise SystemExit(f"role must be one of {', '.join(ROLES)}")
    password = os.environ.get("CRM_NEW_PASSWORD") or getpass.getpass("password: ")
    with Session(make_engine(settings.database_url)) as session:
        session.add(User(email=email.strip().lower(), name=name, role=role,
                         password_hash=hash_password(password)))
        session.commit()
    return f"user created: {email} ({role})"


def issue_token(settings: Settings, email: str | None, ttl: int) -> str:
    """A bearer token for scripts run by whoever can read the gateway's configuration (e.g.
    `make up DEMO=1` loading the demo data) without handling a password."""
    from flask import Flask

    from gateway.auth import issue_token as sign

    with Session(make_engine(settings.database_url)) as session:
        query = select(User).where(User.active.is_(True))
        query = query.where(User.email == email.strip().lower()) if email \
            else query.where(User.role == "admin").order_by(User.created_at)
        user = session.scalars(query.limit(1)).first()
        if user is None:
            raise SystemExit(f"no active user {email or 'with the admin role'}")
        app = Flask(__name__)
        app.config["CRM"] = settings
        with app.app_context():
            return sign(user, ttl)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.manage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate")
    commands.add_parser("ensure-admin")
    user = commands.add_parser("create-user")
    user.add_argument("email")
    user.add_argument("name")
    user.add_argument("role", choices=ROLES)
    token = commands.add_parser("issue-token")
    token.add_argument("email", nargs="?")
    token.add_argument("--ttl", type=int, default=900, help="seconds (default 900)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "migrate":
        migrate(settings)
        print("gateway: database at the newest schema")
    elif args.command == "ensure-admin":
        print(ensure_admin(settings))
    elif args.command == "issue-token":
        print(issue_token(settings, args.email, args.ttl))
    else:
        print(create_user(settings, args.email, args.name, args.role))
    return 0


if __name__ == "__main__":
    sys.exit(main())
