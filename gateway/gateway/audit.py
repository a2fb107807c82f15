"""The audit log's writer: one entry per write request, saved in batches off the request path.

A request hands its entry to its process's writer and answers at once. A thread saves what
has gathered every FLUSH_SECONDS, in one INSERT and one commit, instead of one transaction
per request (which cost a write request a third of its time). Reading the log first saves
what this process holds, so a caller sees their own writes; another worker's entries show
within FLUSH_SECONDS. On shutdown the writer saves what it holds. While the database is away
entries wait, in order, and go in later; past MAX_PENDING the newest are counted and dropped
rather than let the process run out of memory.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from gateway.models import AuditEntry

log = logging.getLogger(__name__)

FLUSH_SECONDS = 0.2  # each save costs a transaction: a fifth of a second gathers more per save
MAX_PENDING = 100_000
RETRY_SECONDS = (0.5, 10.0)  # first and longest wait after a failed save


class AuditWriter:
    def __init__(self, sessions: sessionmaker[Session], flush_seconds: float = FLUSH_SECONDS,
                 max_pending: int = MAX_PENDING):
        self._sessions = sessions
        self._flush_seconds = flush_seconds
        self._max_pending = max_pending
        self._pending: list[dict[str, Any]] = []
        self._lock = threading.Lock()  # guards _pending
        self._saving = threading.Lock()  # one save at a time keeps the entries in order
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._owner_pid = 0
        self.dropped = 0

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            if len(self._pending) >= self._max_pending:
                self.dropped += 1
                if self.dropped % 1000 == 1:
                    log.error("audit log: %d entries dropped, the database is not taking them",
                              self.dropped)
                return
            self._pending.append(entry)
            self._start_thread()

    def flush(self) -> None:
        """Save every entry recorded so far; raises when the database refuses them (they are
        kept for the next attempt)."""
        with self._saving:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                with self._sessions() as session:
                    # The table's INSERT, not the ORM's bulk one: the entries are plain rows
                    # and the ORM's per-row bookkeeping was most of this thread's time.
                    session.execute(insert(AuditEntry.__table__), batch)
                    session.commit()
            except Exception:
                with self._lock:
                    self._pending[:0] = batch
                raise

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(10)
        try:
            self.flush()
        except Exception:
            log.exception("audit log: %d entries could not be saved at shutdown",
                          len(self._pending))

    def _start_thread(self) -> None:
        # Called under _lock. A forked child inherits the object but not the thread.
        if self._owner_pid == os.getpid() and self._thread is not None:
            return
        self._owner_pid = os.getpid()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def _run(self) -> None:
        wait = self._flush_seconds
        while not self._stop.wait(wait):
            try:
                self.flush()
                wait = self._flush_seconds
            except Exception:
                log.warning("audit log: save failed, retrying in %.1fs", wait, exc_info=True)
                wait = min(max(wait * 2, RETRY_SECONDS[0]), RETRY_SECONDS[1])
