"""A campaign mail as it goes over SMTP: headers for one-click unsubscribe (RFC 8058) and a
Message-ID that names the campaign and the recipient, so a re-send is the same mail."""

from __future__ import annotations

import contextlib
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import unquote, urlsplit

SMTP_TIMEOUT = 15.0


def message_id(campaign_id: str, recipient_id: str, domain: str = "marketing.crm") -> str:
    return f"<{campaign_id}.{recipient_id}@{domain}>"


@dataclass(frozen=True)
class Outgoing:
    sender: str
    to: str
    subject: str
    text_body: str
    html_body: str | None
    message_id: str
    unsubscribe_url: str
    campaign_id: str


def build(mail: Outgoing) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = mail.message_id
    message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-CRM-Campaign"] = mail.campaign_id
    message["Precedence"] = "bulk"
    # Plain ASCII goes as is, so that a long link is not cut by quoted-printable breaks.
    text = mail.text_body
    message.set_content(text, cte="7bit" if text.isascii() and _short_lines(text) else None)
    if mail.html_body:
        html = mail.html_body
        message.add_alternative(html, subtype="html",
                                cte="7bit" if html.isascii() and _short_lines(html) else None)
    return message


def _short_lines(text: str) -> bool:
    return all(len(line) <= 990 for line in text.splitlines())


class Smtp:
    """One connection to CRM_SMTP_URL (`smtp://host:port`, `smtps://` for TLS from the
    start, `user:password@` to log in), opened on first use and kept for a batch."""

    def __init__(self, url: str):
        self.url = urlsplit(url)
        self.server: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        """Returns when the server accepted the mail; SMTP and socket errors propagate."""
        if self.server is None:
            secure = self.url.scheme == "smtps"
            opener = smtplib.SMTP_SSL if secure else smtplib.SMTP
            self.server = opener(self.url.hostname or "127.0.0.1",
                                 self.url.port or (465 if secure else 25),
                                 timeout=SMTP_TIMEOUT)
            if self.url.username:
                self.server.login(unquote(self.url.username), unquote(self.url.password or ""))
        try:
            self.server.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.server is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.server.quit()
            self.server = None
