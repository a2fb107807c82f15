"""deploy/wait_for.py: what every run.sh runs before anything else."""

from __future__ import annotations

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "wait_for.py"
_spec = importlib.util.spec_from_file_location("crm_deploy_wait_for", SCRIPT)
wait_for = sys.modules[_spec.name] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wait_for)


@pytest.mark.parametrize(("argument", "label", "addresses"), [
    ("broker=amqp://crm:crm@rabbitmq:5672/", "broker", (("rabbitmq", 5672),)),
    ("amqps://u:p@broker.example.com//", "service", (("broker.example.com", 5671),)),
    ("amqp://u:p@one:5672//;amqp://u:p@two//", "service", (("one", 5672), ("two", 5672))),
    ("database=postgresql+psycopg2://crm:crm@postgres/contacts?sslmode=require", "database",
     (("postgres", 5432),)),
    ("database=sqlite:////data/contacts.db", "database", ()),
    ("database=", "database", ()),
])
def test_parse(argument, label, addresses):
    target = wait_for.parse(argument)
    assert (target.label, target.addresses) == (label, addresses)


def test_parse_refuses_a_url_without_a_known_port():
    with pytest.raises(ValueError, match="no port"):
        wait_for.parse("redis://:secret@cache/0")


@pytest.mark.parametrize(("url", "shown"), [
    ("amqp://crm:s3cr@t@rabbitmq:5672/", "amqp://crm:***@rabbitmq:5672/"),
    ("amqp://a:x@h1//;amqp://b:y@h2//", "amqp://a:***@h1//;amqp://b:***@h2//"),
    ("amqp://guest@localhost/", "amqp://guest@localhost/"),
])
def test_redact_hides_passwords(url, shown):
    assert wait_for.redact(url) == shown


def test_a_listening_address_passes_at_once():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        said = []
        target = wait_for.parse(f"broker=amqp://u:p@127.0.0.1:{port}/")
        assert wait_for.wait(target, attempts=1, interval=0.01, say=said.append)
    assert said == [f"broker at amqp://u:***@127.0.0.1:{port}/ is reachable"]


def test_gives_up_after_the_attempts_it_was_given():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    said, slept = [], []
    target = wait_for.parse(f"database=postgresql://crm:pw@127.0.0.1:{port}/contacts")
    assert not wait_for.wait(target, attempts=3, interval=0.5, say=said.append,
                             sleep=slept.append)
    assert slept == [0.5, 0.5]
    assert said[-1].startswith(f"gave up waiting for database at postgresql://crm:***@127.0.0.1:"
                               f"{port}/contacts after 3 attempts")


def test_main_exits_2_on_an_unusable_url(capsys):
    assert wait_for.main(["broker=amqp://h:notaport/"]) == 2
    assert "notaport" in capsys.readouterr().err
