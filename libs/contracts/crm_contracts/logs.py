"""The log line format every process shares: one JSON object per line (console text on a
terminal), carrying the correlation id bound for the current request or worker, so one
customer action can be followed through the gateway and every service it touched."""

from __future__ import annotations

import logging
import os
import sys

import structlog

_configured = False


def configure_logging(level: str | None = None) -> None:
    """Route stdlib and structlog records through one renderer; safe to call twice."""
    global _configured
    if _configured:
        return
    _configured = True
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    fmt = os.environ.get("CRM_LOG_FORMAT", "console" if sys.stderr.isatty() else "json")
    renderer = (structlog.processors.JSONRenderer() if fmt == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    level = (level or os.environ.get("CRM_LOG_LEVEL", "INFO")).upper()
    # Our own lines are rendered by structlog and written at once, not handed to the stdlib
    # logging machinery (a record, its caller looked up, handlers and their locks): a
    # service's one line a call costs 9 us that way, 29 us under eventlet the other way.
    # Libraries' lines still come through logging, with the same renderer.
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=_NamedWriteLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer],
    ))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


class _NamedWriteLogger(structlog.WriteLogger):
    """structlog's plain writer to stderr, with the name it was asked for (`logger`)."""

    def __init__(self, name: str = "", *_args):
        super().__init__(sys.stderr)
        self.name = name
