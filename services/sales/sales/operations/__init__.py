"""Use cases of the sales service: each takes a unit of work, changes records through its
session and emits the matching events in the same transaction. service.py calls these; the
rules themselves live in sales.domain."""
