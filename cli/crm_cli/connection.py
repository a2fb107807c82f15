"""Where the gateway is and who signs in: from the command line, else the environment.

    --url            CRM_URL, else http://127.0.0.1:${CRM_GATEWAY_PORT:-8000}
    --email          CRM_ADMIN_EMAIL
    --password       CRM_ADMIN_PASSWORD (asked for on a terminal when missing)
    CRM_TOKEN        a bearer token (e.g. from `python -m gateway.manage issue-token`),
                     used when neither --email nor --password is given
    CRM_API_KEY      likewise, an API key
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from crm_cli.problems import UsageError


@dataclass(frozen=True)
class Connection:
    url: str
    email: str | None = None
    password: str | None = None
    api_key: str | None = None
    token: str | None = None

    @property
    def signed_in_already(self) -> bool:
        """An API key or a token needs no sign-in."""
        return self.api_key is not None or self.token is not None


def default_url(environ: Mapping[str, str]) -> str:
    port = environ.get("CRM_GATEWAY_PORT") or "8000"
    return environ.get("CRM_URL") or f"http://127.0.0.1:{port}"


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection")
    group.add_argument("--url", help="the gateway's base URL (env CRM_URL, else "
                                     "http://127.0.0.1:$CRM_GATEWAY_PORT, port 8000 by default)")
    group.add_argument("--email", help="sign in as this user (env CRM_ADMIN_EMAIL)")
    group.add_argument("--password", help="their password (env CRM_ADMIN_PASSWORD); "
                                          "or set CRM_API_KEY to use an API key instead")


def connection_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Connection:
    url = (args.url or default_url(environ)).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"--url must start with http:// or https://, not {url!r}")
    explicit = args.email is not None or args.password is not None
    if not explicit and environ.get("CRM_TOKEN"):
        return Connection(url, token=environ["CRM_TOKEN"])
    if not explicit and environ.get("CRM_API_KEY"):
        return Connection(url, api_key=environ["CRM_API_KEY"])
    email = args.email or environ.get("CRM_ADMIN_EMAIL")
    password = args.password or environ.get("CRM_ADMIN_PASSWORD")
    if not email:
        raise UsageError("who signs in? pass --email and --password, or set CRM_ADMIN_EMAIL "
                         "and CRM_ADMIN_PASSWORD, or CRM_API_KEY")
    if not password:
        password = _ask_password(email)
    return Connection(url, email=email, password=password)


def _ask_password(email: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(f"no password for {email}: pass --password or set CRM_ADMIN_PASSWORD")
    password = getpass.getpass(f"Password for {email}: ")
    if not password:
        raise UsageError("no password given")
    return password
