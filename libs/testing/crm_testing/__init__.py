"""Shared test fixtures: real broker vhosts, real databases, real processes."""
