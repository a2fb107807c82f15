"""What every service's lists share: opaque keyset cursors and LIKE patterns."""

from __future__ import annotations

import base64
import json
from typing import Any

from crm_contracts.errors import ValidationFailed


def encode_cursor(last_value: Any, last_id: str) -> str:
    """Where a page ended, as the `next_cursor` a client sends back: the sort value and
    the id of its last row (the id breaks ties)."""
    raw = json.dumps([last_value, last_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, last_id = json.loads(base64.urlsafe_b64decode(padded))
        return value, str(last_id)
    except (ValueError, TypeError):
        raise ValidationFailed("bad cursor", {"cursor": ["not a cursor from this list"]}) \
            from None


def like_escape(text: str) -> str:
    """`text` as a literal inside a LIKE pattern with escape character backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
