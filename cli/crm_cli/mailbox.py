"""`crm mailbox`: the local SMTP server that `make up` runs, so that a new user can read
every mail the platform sent (portal sign-in links, campaigns) without a real mail server.

It listens where `CRM_SMTP_URL` points (default `smtp://127.0.0.1:8025`) and keeps each
message it receives, as it came, in a `.eml` file under `CRM_DATA_DIR/mail`: any mail
program opens them. When `CRM_SMTP_URL` names a real server elsewhere, mails go there and
this process only says so, and waits (honcho stops every process when one exits).
"""

from __future__ import annotations

import os
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "smtp://127.0.0.1:8025"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def smtp_address(url: str | None = None) -> tuple[str, int]:
    """(host, port) of an `smtp://host:port` URL, by default CRM_SMTP_URL's."""
    parts = urlsplit(url or os.environ.get("CRM_SMTP_URL") or DEFAULT_URL)
    if parts.scheme not in {"smtp", ""}:
        raise ValueError(f"CRM_SMTP_URL must be smtp://host:port, not {parts.scheme}://")
    return parts.hostname or "127.0.0.1", parts.port or 25


def mail_dir() -> Path:
    return Path(os.environ.get("CRM_DATA_DIR") or "./var").resolve() / "mail"


class Keeper:
    """aiosmtpd handler: each accepted message becomes one file, named so that `ls`
    lists them in the order they arrived."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's
        with self._lock:
            self._count += 1
            name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{self._count:05d}.eml"
        path = self.folder / name
        path.write_bytes(envelope.original_content or envelope.content)
        subject = message_from_bytes(envelope.content, policy=policy.default)["Subject"]
        print(f"mail to {', '.join(envelope.rcpt_tos)}: {subject!r} -> {path}", flush=True)
        return "250 Message accepted for delivery"


def serve(url: str | None = None, folder: Path | None = None) -> int:
    from aiosmtpd.controller import Controller

    host, port = smtp_address(url)
    if host not in LOCAL_HOSTS:
        print(f"CRM_SMTP_URL points at {host}:{port}: mails go there; "
              "no local mailbox needed", flush=True)
        threading.Event().wait()
    folder = folder or mail_dir()
    controller = Controller(Keeper(folder), hostname=host, port=port)
    controller.start()
    print(f"mailbox: SMTP on {host}:{port}, mails kept in {folder}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    return 0
