"""Costly reads kept under their service's change counter (crm_chassis.changes).

A pipeline's board or an agent's queue is read far more often than it changes, and each
answer costs the service a computation over every open deal or ticket and this worker a
large JSON encoding. Here an answer is kept, as the bytes sent, beside the counter value
read *before* it was computed. A request asks the service for the counter only (one
primary-key read); while it has not moved, nothing the answer depends on has, and the kept
bytes are still exact, whichever replica wrote last. The answer's ETag names that state,
so a client polling with If-None-Match gets a 304 without a body.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, jsonify, request

from gateway import services


class KeptReads:
    """One worker's kept answers, the least recently used dropped beyond `size`."""

    def __init__(self, size: int = 256):
        self.size = size
        self._entries: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, service: str, counter: str, key: dict[str, Any],
               compute: Callable[[], Any]) -> Response:
        """`compute()`'s answer as JSON, reused while `service`'s `counter` stands still.
        `key` must hold everything the answer depends on besides the counted records."""
        version = services.call(service, "change_count", counter)
        name = hashlib.sha256(json.dumps([service, counter, key], sort_keys=True,
                                         default=str).encode()).hexdigest()[:16]
        tag = f'W/"{name}-{version}"'
        # The browser keeps the answer for this user only and asks again every time, with
        # If-None-Match: a poll that finds nothing new costs neither side a body.
        headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
        if request.if_none_match.contains_weak(tag.removeprefix("W/").strip('"')):
            return Response(status=304, headers=headers)
        with self._lock:
            kept = self._entries.get(name)
            body = kept[1] if kept is not None and kept[0] == version else None
            if body is not None:
                self._entries.move_to_end(name)
        if body is None:
            body = jsonify(compute()).get_data()
            with self._lock:
                self._entries[name] = (version, body)
                self._entries.move_to_end(name)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return Response(body, mimetype="application/json", headers=headers)


def kept_answer(service: str, counter: str, key: dict[str, Any],
                compute: Callable[[], Any]) -> Response:
    """This worker's KeptReads.answer (see the class)."""
    return current_app.extensions["crm.kept"].answer(service, counter, key, compute)
