"""Every process writes one JSON object per log line, ours and libraries' alike, each with
the correlation id bound for the current request or worker."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import logging, structlog
from crm_contracts.logs import configure_logging
configure_logging()
log = structlog.get_logger("crm.worker")
structlog.contextvars.bind_contextvars(correlation_id="trace-1", service="probe")
log.info("handled", outcome="ok", ms=1.5)
log.debug("below the level: not written")
logging.getLogger("kombu").warning("library %s", "line")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("failed")
"""


def test_our_lines_and_libraries_lines_share_one_json_format():
    env = {**os.environ, "CRM_LOG_FORMAT": "json", "CRM_LOG_LEVEL": "info"}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(line["logger"], line["level"], line["event"]) for line in lines] == [
        ("crm.worker", "info", "handled"),
        ("kombu", "warning", "library line"),
        ("crm.worker", "error", "failed"),
    ]
    assert all(line["correlation_id"] == "trace-1" and line["timestamp"].endswith("Z")
               for line in lines)
    assert (lines[0]["outcome"], lines[0]["ms"]) == ("ok", 1.5)
    assert "ZeroDivisionError" in lines[2]["exception"]
