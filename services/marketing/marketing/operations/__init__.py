"""The marketing service's use cases: each takes a unit of work, changes records and emits
events through the outbox, and leaves the commit to the entrypoint."""
