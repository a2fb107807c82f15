"""Sending mail: plain text through the SMTP server at CRM_SMTP_URL
(`smtp://host:port`, or `smtps://` for TLS from the start; `user:password@` when the server
wants a login)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app

from gateway.settings import Settings

SMTP_TIMEOUT = 10.0


def send(to: str, subject: str, body: str, settings: Settings | None = None) -> str:
    """Send one message; its Message-ID. SMTP errors propagate to the caller. Outside a
    request (a background thread), pass the settings."""
    settings = settings or current_app.config["CRM"]
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="crm.local")
    # Plain ASCII goes as is, so that a long link is not cut by quoted-printable breaks.
    message.set_content(body, cte="7bit" if body.isascii() else None)
    url = urlsplit(settings.smtp_url)
    secure = url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    opener = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with opener(url.hostname or "127.0.0.1", port, timeout=SMTP_TIMEOUT) as server:
        if url.username:
            server.login(unquote(url.username), unquote(url.password or ""))
        server.send_message(message)
    return message["Message-ID"]
