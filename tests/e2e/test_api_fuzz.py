"""Every operation of the OpenAPI document, fed inputs generated from it, valid and not.

Schemathesis reads the gateway's own document and sends each operation its documented
examples, inputs at and across the edges of every constraint, then random ones, on one
real record of each resource (fuzz_records): no input may get a server error (5xx), and
no service may log an error meanwhile (a consumer that fails on an event someone's input
produced answers nobody, so its log is where it shows); every answer, errors included,
must be what the document says it is.

The run has a platform of its own: it makes custom fields required, pipelines and users
that the other tests would trip over. The seed is fixed, so a failure reproduces.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from fuzz_records import config, make_records

from crm_testing.processes import venv_bin

EXAMPLES = 15  # per operation and phase: ~2 minutes on two cores
SEED = 20261127
# No 5xx; every status and every body as the document says, errors included. (Not the
# content type: gunicorn answers a request line over its limit itself, in HTML.)
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
# Signing out would end the run's own session early.
NOT_FUZZED = r"^/api/v1/auth/session$"


@pytest.fixture(scope="module")
def fuzzed_platform(start_platform, tmp_path_factory):
    platform = start_platform(tmp_path_factory.mktemp("fuzz"), "crm_fuzz")
    yield platform
    platform.stop()


def error_lines(log: str) -> list[str]:
    """The log lines at level error (our services and the gateway log JSON lines; gunicorn
    writes its own "[ERROR]" lines for a request it failed to answer)."""
    found = []
    for line in log.splitlines():
        if "[ERROR]" in line:
            found.append(line)
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("level") in ("error", "critical"):
            found.append(line)
    return found


@pytest.mark.timeout(900)
def test_no_generated_input_gets_a_server_error(fuzzed_platform, signed_in, tmp_path: Path):
    report, token = tmp_path / "schemathesis.log", fuzzed_platform.token()
    records = make_records(signed_in(fuzzed_platform))
    (tmp_path / "schemathesis.toml").write_text(config(records))
    command = [
        str(venv_bin("st")), "--config-file", str(tmp_path / "schemathesis.toml"),
        "run", f"{fuzzed_platform.url}/api/v1/openapi.json",
        "-H", f"Authorization: Bearer {token}",
        "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "2",
        "--exclude-path-regex", NOT_FUZZED, "--no-color",
    ]
    # In the test's own folder: schemathesis keeps a cache of past crashes where it runs,
    # and replaying another run's would make this run depend on it.
    with report.open("w") as output:
        finished = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT,
                                  cwd=tmp_path, timeout=840, check=False)
    text = report.read_text(errors="replace")
    logged = {process.name: error_lines(process.log())
              for process in fuzzed_platform.processes}
    failed = {name: lines[:5] for name, lines in logged.items() if lines}
    errors = json.dumps(failed, indent=1)[:20000]
    # A 5xx found is explained by the process that failed: its error lines come with it.
    assert finished.returncode == 0, f"{text[-20000:]}\n\nerror lines logged:\n{errors}"
    assert " passed" in text, text[-5000:]  # it did test operations
    assert not failed, errors


def test_error_lines_are_found_in_every_kind_of_log():
    log = "\n".join([
        '{"event": "handled", "level": "info"}',
        '{"event": "worker failed", "level": "error"}',
        "[2026-11-27 15:52:58 +0000] [11001] [ERROR] Error handling request GET /x",
        "not json at all",
    ])
    assert error_lines(log) == [log.splitlines()[1], log.splitlines()[2]]
