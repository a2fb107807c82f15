"""The load generator's HTTP session against a real HTTP/1.1 server on loopback."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.__main__ import checked
from bench.http_session import Session


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn answers
    connections: set = set()

    def do_GET(self):
        self._answer({"path": self.path}, status=404 if self.path == "/missing" else 200)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer({"path": self.path, "type": self.headers["Content-Type"],
                      "body": json.loads(body)}, status=201)

    def _answer(self, data: dict, status: int = 200) -> None:
        Echo.connections.add(self.client_address)
        data["authorization"] = self.headers.get("Authorization")
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        # As a server whose keep-alive ran out: the connection closes after the answer,
        # without telling the client it would.
        self.close_connection = self.path.startswith("/then-close")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def server():
    Echo.connections = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_get_with_params_and_post_with_json_on_one_connection(server):
    session = Session({"Authorization": "Bearer t"})
    got = session.get(server + "/items?a=1", params={"q": "é b"})
    posted = session.post(server + "/items", json={"name": "Zoë"})
    session.close()

    assert got.status_code == 200
    assert got.json() == {"path": "/items?a=1&q=%C3%A9+b", "authorization": "Bearer t"}
    assert posted.status_code == 201
    assert posted.json()["body"] == {"name": "Zoë"}
    assert posted.json()["type"] == "application/json"
    assert len(Echo.connections) == 1  # the second request reused the first's connection


def test_a_connection_the_server_closed_is_replaced_once(server):
    session = Session()
    assert session.get(server + "/then-close").status_code == 200
    again = session.get(server + "/after")
    session.close()

    assert again.json()["path"] == "/after"
    assert len(Echo.connections) == 2


def test_a_new_connection_that_fails_raises():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        Session().get(f"http://127.0.0.1:{port}/")


def test_an_unexpected_status_fails_the_request_with_its_text(server):
    answer = Session().get(server + "/missing")
    assert answer.status_code == 404
    with pytest.raises(RuntimeError, match='HTTP 404: {"path": "/missing"'):
        checked(answer)
