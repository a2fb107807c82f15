"""The CRM's public contracts: the event envelope, every event type's schema, error names.

Producers dump events through these schemas and consumers load them back through the same
ones, so a change that breaks a consumer fails the producer's tests first. An event is a
public API: change one by registering a new version beside the old.
"""
