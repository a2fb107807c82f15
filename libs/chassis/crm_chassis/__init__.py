"""The chassis: what every CRM service repeats, written once.

- settings: configuration from the environment, with laptop defaults
- db: SQLAlchemy 2 engine, declarative base, the `Database` dependency (unit of work)
- outbox: the transactional outbox, kept as the service's event log, and its relay
- consumer: `consumes`, an event handler that is idempotent, retries and dead-letters
- dead_letters: list and replay parked messages (the `crm-dlq` command)
- declare: declares consumer queues at deploy time, so no event is dropped
- observability: structured logs with correlation ids, Prometheus metrics
"""
