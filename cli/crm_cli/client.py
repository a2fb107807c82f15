"""A signed-in HTTP client of the gateway's REST API."""

from __future__ import annotations

from typing import Any

import requests

from crm_cli import __version__
from crm_cli.connection import Connection
from crm_cli.problems import ApiProblem, Unreachable

API = "/api/v1"
TIMEOUT = 60.0
USER_AGENT = f"crm-cli/{__version__}"


class CrmClient:
    """Requests to `<url>/api/v1`; an error answer raises `ApiProblem`, no answer at all
    raises `Unreachable`."""

    def __init__(self, connection: Connection, session: requests.Session | None = None,
                 timeout: float = TIMEOUT):
        self.connection = connection
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if connection.api_key:
            self.session.headers["X-API-Key"] = connection.api_key

    @property
    def base(self) -> str:
        return self.connection.url + API

    def sign_in(self) -> None:
        """Exchange the email and password for a bearer token (nothing to do for a key)."""
        if self.connection.uses_api_key:
            return
        self.session.headers.pop("Authorization", None)
        body = {"email": self.connection.email, "password": self.connection.password}
        try:
            token = self.request("POST", "/auth/token", json=body).json()["access_token"]
        except ApiProblem as problem:
            problem.context = f"cannot sign in as {self.connection.email}"
            raise
        self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: Any) -> Any:
        try:
            return self.request("GET", path, params=params or None).json()
        except ApiProblem as problem:
            # A token can expire during a long import: sign in again once, then retry.
            if problem.status != 401 or "Authorization" not in self.session.headers:
                raise
            self.sign_in()
            return self.request("GET", path, params=params or None).json()

    def post(self, path: str, json: Any = None, *, idempotency_key: str | None = None,
             **kwargs: Any) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = self.request("POST", path, json=json, headers=headers, **kwargs)
        return response.json() if response.content else None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, self.base + path, **kwargs)
        except requests.ConnectionError as exc:
            raise Unreachable(self.connection.url, _reason(exc)) from None
        except requests.Timeout:
            raise Unreachable(self.connection.url,
                              f"no answer within {kwargs['timeout']:g}s") from None
        if response.status_code >= 400:
            raise ApiProblem(response.status_code, _problem_body(response), response.text)
        return response


def _problem_body(response: requests.Response) -> dict[str, Any] | None:
    if "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for known in ("Connection refused", "Name or service not known", "No route to host",
                  "Temporary failure in name resolution", "Network is unreachable"):
        if known in text:
            return known.lower()
    return "connection failed"
