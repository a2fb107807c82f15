"""A signed-in HTTP client of the gateway's REST API."""

from __future__ import annotations

from typing import Any

import requests

from crm_cli import __version__
from crm_cli.connection import Connection
from crm_cli.problems import ApiProblem, Unreachable, UsageError

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
        if connection.token:
            self.session.headers["Authorization"] = f"Bearer {connection.token}"

    @property
    def base(self) -> str:
        return self.connection.url + API

    def sign_in(self) -> None:
        """Exchange the email and password for a bearer token (nothing to do for a key or a
        token given)."""
        if self.connection.signed_in_already:
            return
        self.session.headers.pop("Authorization", None)
        body = {"email": self.connection.email, "password": self.connection.password}
        try:
            answer = self._json(self.request("POST", "/auth/token", json=body))
        except ApiProblem as problem:
            problem.context = f"cannot sign in as {self.connection.email}"
            raise
        self.session.headers["Authorization"] = f"Bearer {answer.get('access_token')}"

    def get(self, path: str, **params: Any) -> Any:
        try:
            return self._json(self.request("GET", path, params=params or None))
        except ApiProblem as problem:
            # A token can expire during a long import: sign in again once, then retry.
            if problem.status != 401 or "Authorization" not in self.session.headers:
                raise
            self.sign_in()
            return self._json(self.request("GET", path, params=params or None))

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        response = self.request("POST", path, json=json, **kwargs)
        return self._json(response) if response.content else None

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.session.request(method, self.base + path, **kwargs)
        except requests.ConnectionError as exc:
            raise Unreachable(self.connection.url, _reason(exc)) from None
        except requests.Timeout:
            raise Unreachable(self.connection.url,
                              f"no answer within {kwargs['timeout']:g}s") from None
        except requests.RequestException as exc:
            raise Unreachable(self.connection.url, f"{type(exc).__name__}: {exc}") from None
        if response.status_code >= 400:
            raise ApiProblem(response.status_code, _problem_body(response), response.text)
        return response

    def _json(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise UsageError(f"{self.connection.url} answered {response.request.method} "
                             f"{response.request.path_url} with something else than JSON: "
                             "is it the CRM's gateway?") from None


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
