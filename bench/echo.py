"""The bus baseline: a raw pika echo consumer (run as a process) and its request/reply client."""

from __future__ import annotations

import sys
import time
import uuid

import pika

QUEUE = "bench-echo"


def serve(amqp_uri: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.queue_declare(QUEUE, auto_delete=True)
    channel.basic_qos(prefetch_count=50)

    def on_request(ch, method, properties, body):
        ch.basic_publish("", properties.reply_to, body,
                         pika.BasicProperties(correlation_id=properties.correlation_id))
        ch.basic_ack(method.delivery_tag)

    channel.basic_consume(QUEUE, on_request)
    print("echo consuming", flush=True)
    channel.start_consuming()


class EchoClient:
    """One connection, one exclusive reply queue; one call in flight at a time."""

    def __init__(self, amqp_uri: str):
        self.connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
        self.channel = self.connection.channel()
        self.reply_queue = self.channel.queue_declare("", exclusive=True).method.queue
        self.channel.basic_consume(self.reply_queue, self._on_reply, auto_ack=True)
        self.answer: bytes | None = None
        self.expected = ""

    def _on_reply(self, ch, method, properties, body):
        if properties.correlation_id == self.expected:
            self.answer = body

    def call(self, body: bytes = b'{"ping": true}', timeout: float = 5.0) -> bytes:
        self.answer, self.expected = None, str(uuid.uuid4())
        self.channel.basic_publish("", QUEUE, body, pika.BasicProperties(
            reply_to=self.reply_queue, correlation_id=self.expected))
        self.connection.process_data_events(time_limit=0)
        deadline = time.monotonic() + timeout
        while self.answer is None:
            self.connection.process_data_events(time_limit=0.05)
            if time.monotonic() > deadline:
                raise TimeoutError("no echo")
        return self.answer

    def close(self) -> None:
        if self.connection.is_open:
            self.connection.close()


if __name__ == "__main__":
    serve(sys.argv[1])
