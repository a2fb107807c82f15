"""Inspect and replay the dead-letter queues that `consumes` parks failed events in.

    crm-dlq list                    # every dead-letter queue and how many messages it holds
    crm-dlq show QUEUE              # the parked events with their error, left in place
    crm-dlq replay QUEUE            # send them back to their consumer once the cause is fixed
"""

from __future__ import annotations

import argparse
import json
import sys
from urllib.parse import unquote, urlsplit

import requests
from kombu import Connection

from crm_chassis import settings
from crm_chassis.amqp import ConfirmedPublisher
from crm_chassis.consumer import ATTEMPT_HEADER, ERROR_HEADER, QUEUE_HEADER

DEAD_SUFFIX = ".dead"


def list_dead_letter_queues(amqp_uri: str, management_url: str) -> list[tuple[str, int]]:
    parts = urlsplit(amqp_uri)
    vhost = unquote(parts.path.lstrip("/")) or "/"
    response = requests.get(
        f"{management_url.rstrip('/')}/api/queues/{requests.utils.quote(vhost, safe='')}",
        auth=(parts.username or "guest", parts.password or "guest"), timeout=10,
    )
    response.raise_for_status()
    return [(queue["name"], int(queue.get("messages", 0))) for queue in response.json()
            if queue["name"].endswith(DEAD_SUFFIX)]


def peek(amqp_uri: str, queue: str, limit: int = 50) -> list[dict]:
    """Read parked messages without removing them (they are requeued on close)."""
    seen = []
    with Connection(amqp_uri) as connection:
        simple = connection.SimpleQueue(queue, no_ack=False, queue_opts={"durable": True})
        try:
            for _ in range(limit):
                try:
                    message = simple.get(block=False)
                except simple.Empty:
                    break
                headers = message.headers or {}
                seen.append({"error": headers.get(ERROR_HEADER),
                             "attempts": headers.get(ATTEMPT_HEADER),
                             "queue": headers.get(QUEUE_HEADER), "event": message.payload})
        finally:
            simple.close()  # unacked messages go back to the queue
    return seen


def replay(amqp_uri: str, queue: str) -> int:
    """Move every parked message back to the queue it failed in, with a fresh attempt count."""
    publisher = ConfirmedPublisher(amqp_uri)
    moved = 0
    with Connection(amqp_uri) as connection:
        simple = connection.SimpleQueue(queue, no_ack=False, queue_opts={"durable": True})
        try:
            while True:
                try:
                    message = simple.get(block=False)
                except simple.Empty:
                    break
                headers = dict(message.headers or {})
                target = headers.get(QUEUE_HEADER) or queue.removesuffix(DEAD_SUFFIX)
                headers[ATTEMPT_HEADER] = 1
                headers.pop(ERROR_HEADER, None)
                publisher.publish(message.payload, routing_key=target, headers=headers)
                message.ack()  # only after the broker confirmed the copy
                moved += 1
        finally:
            simple.close()
            publisher.close()
    return moved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crm-dlq", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--amqp-uri", default=settings.amqp_uri())
    parser.add_argument("--management-url", default="http://127.0.0.1:15672")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list")
    show = commands.add_parser("show")
    show.add_argument("queue")
    again = commands.add_parser("replay")
    again.add_argument("queue")
    args = parser.parse_args(argv)

    if args.command == "list":
        for name, count in list_dead_letter_queues(args.amqp_uri, args.management_url):
            print(f"{count:8d}  {name}")
    elif args.command == "show":
        for item in peek(args.amqp_uri, args.queue):
            print(json.dumps(item, indent=2, default=str))
    else:
        print(f"replayed {replay(args.amqp_uri, args.queue)} message(s) from {args.queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
