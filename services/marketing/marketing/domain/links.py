"""Signed links in campaign mails: open pixel, click redirects and unsubscribe.

A token is `<kind>.<recipient id>[.<base64 url>].<HMAC-SHA256 hex>` under the platform's
secret key: the gateway passes it along, this service checks it. No expiry: an
unsubscribe link must keep working for as long as the mail sits in someone's inbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote

OPEN, CLICK, UNSUBSCRIBE = "o", "c", "u"
_TOKEN = re.compile(r"^(?P<kind>[ocu])\.(?P<rid>[A-Za-z0-9-]{1,36})"
                    r"(?:\.(?P<url>[A-Za-z0-9_-]{1,4000}))?\.(?P<sig>[0-9a-f]{64})$")
_HREF = re.compile(r'href="(https?://[^"]+)"', re.IGNORECASE)


class BadToken(ValueError):
    """A token this CRM did not sign, or not of the expected kind."""


@dataclass(frozen=True)
class Token:
    kind: str
    recipient_id: str
    url: str | None = None


def _sign(key: str, payload: str) -> str:
    return hmac.new(key.encode(), payload.encode(), hashlib.sha256).hexdigest()


def make(key: str, kind: str, recipient_id: str, url: str | None = None) -> str:
    payload = f"{kind}.{recipient_id}"
    if url is not None:
        payload += "." + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")
    return f"{payload}.{_sign(key, payload)}"


def read(key: str, token: str, kind: str) -> Token:
    match = _TOKEN.match(token or "")
    if not match or match["kind"] != kind:
        raise BadToken("not a link this CRM sent")
    payload = token.rsplit(".", 1)[0]
    if not hmac.compare_digest(_sign(key, payload), match["sig"]):
        raise BadToken("not a link this CRM sent")
    url = None
    if match["url"]:
        padded = match["url"] + "=" * (-len(match["url"]) % 4)
        url = base64.urlsafe_b64decode(padded).decode()
    if (kind == CLICK) != (url is not None):
        raise BadToken("not a link this CRM sent")
    return Token(kind, match["rid"], url)


def urls(public_url: str, key: str, recipient_id: str) -> dict[str, str]:
    base = public_url.rstrip("/")
    return {
        "open": f"{base}/api/v1/t/o/{make(key, OPEN, recipient_id)}.gif",
        "unsubscribe": f"{base}/api/v1/unsubscribe/{make(key, UNSUBSCRIBE, recipient_id)}",
    }


def click_url(public_url: str, key: str, recipient_id: str, target: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/t/c/{make(key, CLICK, recipient_id, target)}"


def track_links(html: str, public_url: str, key: str, recipient_id: str,
                unsubscribe_url: str) -> str:
    """Every http(s) link of the HTML through the click redirect, except unsubscribing."""
    def rewrite(match: re.Match) -> str:
        target = unescape(match.group(1))
        if target == unsubscribe_url:
            return match.group(0)
        return f'href="{click_url(public_url, key, recipient_id, target)}"'

    return _HREF.sub(rewrite, html)


def with_pixel(html: str, pixel_url: str) -> str:
    pixel = f'<img src="{quote(pixel_url, safe=":/.-_~")}" width="1" height="1" alt="">'
    if "</body>" in html.lower():
        at = html.lower().rindex("</body>")
        return html[:at] + pixel + html[at:]
    return html + pixel
