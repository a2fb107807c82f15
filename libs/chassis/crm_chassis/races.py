"""Writes that a concurrent write to the same record need not fail.

A ticket's new note bumps the ticket's version, as a price bumps its price list's, so that
their ETags change: two notes written at the same moment then collide on the version, and
the second writer got "changed by someone else" although nothing it read was wrong. A
method that takes no version from its caller (no If-Match) can simply be done again on
fresh reads: `@retried_when_raced`, under `@rpc`.
"""

from __future__ import annotations

import functools
import random
import time

from crm_chassis.records import answer_for
from crm_contracts.errors import StaleVersion

ATTEMPTS = 6  # a burst of six writers of one record: each gets its turn


def retried_when_raced(method):
    """Do the whole call again (its reads, its writes) when a concurrent write to a record
    it changed lands first, or the database makes it give way (`answer_for`), up to
    ATTEMPTS times, after a short random pause so that
    the writers of one burst spread out. Only for methods without the caller's version
    and without effects outside their service's database."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        for attempt in range(1, ATTEMPTS):
            try:
                return method(self, *args, **kwargs)
            except Exception as error:
                if not isinstance(error, StaleVersion) and answer_for(error) is None:
                    raise
                self.db.rollback()
                time.sleep(random.uniform(0, 0.02 * attempt))  # green under nameko
        return method(self, *args, **kwargs)  # the last attempt's answer, whatever it is

    return call
