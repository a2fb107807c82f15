"""The start-up heap kept out of Python's full garbage collections.

A service or a gateway worker makes most of its objects while it starts (modules, classes,
SQLAlchemy's tables and mappers, marshmallow schemas, the compiled contracts) and keeps
them until it ends. Python's full collection walks every one of them each time it runs:
40-85 ms measured in the services and the gateway, during which the process answers
nothing, so every request then in flight waits that long. Frozen once the process is
ready, they sit in a generation the collector never walks (1-7 ms a full collection
since); what the process makes afterwards is collected as before.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_startup_heap() -> None:
    """Call when the process is ready to serve. Only the first call freezes: a process that
    starts several apps or containers (a test run) would otherwise freeze the ones it has
    finished with, and a frozen cycle is never freed."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.collect()  # start-up's garbage freed now rather than frozen with the rest
    gc.freeze()
