"""Declare a service's consumer queues at deploy time, before any producer runs.

An event published to an exchange with no bound queue is dropped by the broker, even with
publisher confirms. Running this at migrate time (run.sh, `make up`) means an event
emitted before a consumer's first start waits in its queue instead.

    python -m crm_chassis.declare contacts.service:ContactsService
"""

from __future__ import annotations

import importlib
import sys

from kombu import Connection, Queue
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from crm_chassis import settings
from crm_chassis.amqp import events_exchange
from crm_chassis.consumer import ReliableEventHandler, consumer_queue, dead_letter_queue


def consumer_queues(service_cls) -> list[Queue]:
    queues = []
    for method_name in dir(service_cls):
        method = getattr(service_cls, method_name)
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if not isinstance(entrypoint, ReliableEventHandler):
                continue
            source, event_type = entrypoint.source_service, entrypoint.event_type
            name = consumer_queue(source, event_type, service_cls.name, method_name)
            # Exactly nameko's declaration, or the broker refuses the later redeclaration.
            queues.append(Queue(name, exchange=events_exchange(source), routing_key=event_type,
                                durable=True, auto_delete=False, exclusive=False))
            queues.append(Queue(dead_letter_queue(name), durable=True))
    return queues


def declare(service_cls, amqp_uri: str | None = None) -> list[str]:
    queues = consumer_queues(service_cls)
    with Connection(amqp_uri or settings.amqp_uri(), connect_timeout=10) as connection:
        channel = connection.channel()
        for queue in queues:
            queue(channel).declare()
    return [queue.name for queue in queues]


def load(path: str):
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not args:
        print("usage: python -m crm_chassis.declare module:ServiceClass [...]", file=sys.stderr)
        return 2
    for path in args:
        for name in declare(load(path)):
            print(f"declared {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
