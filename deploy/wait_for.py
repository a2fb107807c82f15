"""Wait until the broker and the database of a process accept connections, then exit 0.

    python deploy/wait_for.py broker="$CRM_AMQP_URI" database="$CRM_CONTACTS_DATABASE_URL"

Every process's run.sh calls it before migrating, so that a container started beside its
broker and database (compose, Kubernetes) waits for them instead of crashing and being
restarted in a loop. It is a TCP probe with bounded retries and no dependency beyond the
standard library, so every image can run it before anything else is imported. A URL
without a network address (SQLite, a Unix socket) needs no wait. With several broker
addresses separated by ";" (kombu's failover syntax), one reachable address is enough.

Attempts and their spacing come from CRM_WAIT_ATTEMPTS (default 60) and
CRM_WAIT_INTERVAL (seconds, default 1). Passwords never appear in the messages.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"amqp": 5672, "amqps": 5671, "postgresql": 5432, "postgres": 5432}
LABEL = re.compile(r"^[A-Za-z][\w-]*=")


@dataclass(frozen=True)
class Target:
    label: str
    url: str
    addresses: tuple[tuple[str, int], ...]  # empty: nothing to wait for


def redact(url: str) -> str:
    """The URL with its passwords replaced, fit for a log line."""
    parts = []
    for part in url.split(";"):
        scheme, sep, rest = part.rpartition("://")
        authority, slash, path = rest.partition("/")
        userinfo, at, host = authority.rpartition("@")
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        parts.append(f"{scheme}{sep}{userinfo}{at}{host}{slash}{path}")
    return ";".join(parts)


def parse(argument: str) -> Target:
    label, url = argument.split("=", 1) if LABEL.match(argument) else ("", argument)
    addresses = []
    for part in filter(None, url.split(";")):
        if "://" not in part:  # kombu lets later failover addresses omit the scheme
            part = f"{urlsplit(url).scheme}://{part}"
        split = urlsplit(part)
        scheme = split.scheme.split("+", 1)[0].lower()
        if scheme == "sqlite" or not split.hostname:
            continue
        try:
            port = split.port or DEFAULT_PORTS.get(scheme)
        except ValueError as exc:
            raise ValueError(f"{redact(url)}: {exc}") from None
        if port is None:
            raise ValueError(f"{redact(url)}: no port, and none known for {scheme!r}")
        addresses.append((split.hostname, port))
    return Target(label or "service", url, tuple(addresses))


def reachable(address: tuple[str, int], timeout: float) -> str | None:
    """None when a TCP connection opens, else why it did not."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return None
    except OSError as exc:
        return str(exc) or type(exc).__name__


def wait(target: Target, attempts: int, interval: float,
         say: Callable[[str], None], sleep: Callable[[float], None] = time.sleep) -> bool:
    if not target.addresses:
        return True
    shown = f"{target.label} at {redact(target.url)}"
    for attempt in range(1, attempts + 1):
        errors = [reachable(address, timeout=max(interval, 1.0)) for address in target.addresses]
        if None in errors:
            say(f"{shown} is reachable")
            return True
        if attempt < attempts:
            say(f"waiting for {shown} ({errors[0]}; attempt {attempt} of {attempts})")
            sleep(interval)
    say(f"gave up waiting for {shown} after {attempts} attempts: {errors[0]}. "
        f"Is it running, and does its URL point at it?")
    return False


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    attempts = max(1, int(os.environ.get("CRM_WAIT_ATTEMPTS") or 60))
    interval = float(os.environ.get("CRM_WAIT_INTERVAL") or 1.0)

    def say(message: str) -> None:
        print(f"wait_for: {message}", file=sys.stderr, flush=True)

    try:
        targets = [parse(argument) for argument in arguments]
    except ValueError as exc:
        say(str(exc))
        return 2
    return 0 if all(wait(target, attempts, interval, say) for target in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
