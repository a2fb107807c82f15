"""The load generator's HTTP client: one keep-alive connection of the standard library's
``http.client`` for each simulated client, with the few calls of ``requests.Session`` the
load runs use (``get`` with ``params``, ``post`` with ``json``).

Why not ``requests``: on this machine it cost the generator 1.4-1.5 ms of CPU a request
(its adapters, hooks, cookie jar and urllib3's pool), ``http.client`` 0.3-0.4 ms. The
generator shares the two cores with the platform it measures, so each of those
milliseconds was taken from the platform, and its 16 threads queued for one GIL while
they held the clock of the requests they timed.
"""

from __future__ import annotations

import http.client
import json as jsonlib
from urllib.parse import urlencode, urlsplit

# What a server that closed an idle keep-alive connection (gunicorn's keepalive, 5 s)
# looks like to the next request on it: that request never reached the server.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Response:
    __slots__ = ("status_code", "content")

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.content)


class Session:
    def __init__(self, headers: dict | None = None):
        self.headers = dict(headers or {})
        self._connection: http.client.HTTPConnection | None = None
        self._netloc = ""
        self._answered = False  # the connection has answered a request: it may go stale

    def get(self, url: str, *, params: dict | None = None, timeout: float = 10.0) -> Response:
        return self.request("GET", url, params=params, timeout=timeout)

    def post(self, url: str, *, json=None, timeout: float = 10.0) -> Response:
        return self.request("POST", url, json=json, timeout=timeout)

    def request(self, method: str, url: str, *, params: dict | None = None, json=None,
                timeout: float = 10.0) -> Response:
        parts = urlsplit(url)
        query = "&".join(filter(None, [parts.query, urlencode(params or {})]))
        target = parts.path + ("?" + query if query else "")
        headers, body = self.headers, None
        if json is not None:
            headers = {**headers, "Content-Type": "application/json"}
            body = jsonlib.dumps(json).encode()
        while True:
            connection = self._connect(parts.netloc, timeout)
            reused = self._answered
            try:
                connection.request(method, target, body, headers)
                response = connection.getresponse()
                content = response.read()
            except _STALE:
                self.close()
                if reused:  # sent again once, on a new connection
                    continue
                raise
            self._answered = True
            return Response(response.status, content)

    def _connect(self, netloc: str, timeout: float) -> http.client.HTTPConnection:
        if self._connection is None or netloc != self._netloc:
            self.close()
            self._connection = http.client.HTTPConnection(netloc, timeout=timeout)
            self._netloc = netloc
        elif self._connection.sock is not None and self._connection.timeout != timeout:
            self._connection.sock.settimeout(timeout)
        self._connection.timeout = timeout
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection, self._answered = None, False
