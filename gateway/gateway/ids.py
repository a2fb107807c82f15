"""Ids of requests and calls, unique across the gateway's processes without a system call.

uuid4 reads os.urandom, a system call that gives up the GIL, which the request thread then
waits to get back from the worker's other threads; a request drew one for its correlation
id and two for each RPC call it made (eleven for a 360 view). A counter behind a random
prefix and the pid costs nothing of the kind.
"""

from __future__ import annotations

import itertools
import os
import uuid

_PREFIX = uuid.uuid4().hex[:12]  # drawn once when the module loads, in each worker
_numbers = itertools.count()  # next() is atomic under the GIL


def new_id() -> str:
    return f"{_PREFIX}.{os.getpid()}.{next(_numbers)}"
