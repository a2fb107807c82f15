"""The scripts that start each process, and the Dockerfiles that run them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_SCRIPTS = sorted([*ROOT.glob("services/*/run.sh"), ROOT / "gateway" / "run.sh"])
SCRIPTS = [*RUN_SCRIPTS, *sorted(ROOT.glob("deploy/postgres/initdb/*.sh"))]
DOCKERFILES = sorted([*ROOT.glob("services/*/Dockerfile"), ROOT / "gateway" / "Dockerfile"])


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("script", SCRIPTS, ids=relative)
def test_script_is_executable_strict_and_parses(script):
    assert os.access(script, os.X_OK), f"chmod +x {relative(script)}"
    assert "\nset -euo pipefail\n" in script.read_text()
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=relative)
def test_script_passes_shellcheck(script):
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (optional lint: apt-get install -y shellcheck)")
    result = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def run(script: Path, **environment: str) -> subprocess.CompletedProcess:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.defpath}"
    return subprocess.run([str(script)], env={"PATH": path, **environment},
                          capture_output=True, text=True, timeout=30)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("script", RUN_SCRIPTS, ids=relative)
def test_run_script_gives_up_on_a_missing_broker_with_a_clear_message(script):
    uri = f"amqp://crm:hunter2@127.0.0.1:{closed_port()}/"
    result = run(script, CRM_AMQP_URI=uri, CRM_WAIT_ATTEMPTS="2", CRM_WAIT_INTERVAL="0.05")
    assert result.returncode != 0
    assert "gave up waiting for broker at amqp://crm:***@127.0.0.1" in result.stderr
    assert "hunter2" not in result.stderr + result.stdout
    assert "migrations" not in result.stderr  # nothing ran before the broker answered


def test_gateway_refuses_the_secret_templates_placeholders():
    result = run(ROOT / "gateway" / "run.sh", CRM_SECRET_KEY="REPLACE-ME",
                 CRM_ADMIN_PASSWORD="REPLACE-ME-too", CRM_ADMIN_EMAIL="admin@example.com")
    assert result.returncode == 1
    assert "set real values for CRM_SECRET_KEY CRM_ADMIN_PASSWORD" in result.stderr


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), with continuation lines joined and comments dropped."""
    lines = [line for line in dockerfile.read_text().splitlines()
             if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in joined.splitlines() if line.strip()]


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=relative)
def test_dockerfile_builds_from_the_root_as_a_non_root_user(dockerfile):
    steps = instructions(dockerfile)
    arguments = dict(arg.split("=", 1) for kind, arg in steps if kind == "ARG" and "=" in arg)
    assert [arg for kind, arg in steps if kind == "FROM"] == ["python:3.11-slim"]
    users = [arg for kind, arg in steps if kind == "USER"]
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert any(kind == "CMD" for kind, _ in steps)
    for kind, arg in steps:
        if kind == "COPY" and "--from" not in arg:
            for source in arg.split()[:-1]:
                for name, value in arguments.items():
                    source = source.replace(f"${{{name}}}", value)
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        if kind == "RUN" and "pip install" in arg:
            assert "-c constraints.txt" in arg


def test_gateway_image_is_health_checked_and_exposes_its_port():
    steps = dict(instructions(ROOT / "gateway" / "Dockerfile"))
    assert "/healthz" in steps["HEALTHCHECK"]
    assert steps["EXPOSE"] == "8000"


def test_dockerignore_keeps_local_state_out_of_images():
    patterns = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", "**/.venv", "**/var", "**/node_modules", "**/__pycache__",
            "**/.pytest_cache", "**/.ruff_cache", "**/.env"} <= patterns
