"""What the deployment tests share: the repository's paths, the resolved compose file and
the Kubernetes manifests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
KUBERNETES = ROOT / "deploy" / "kubernetes"
INSTALL_COMPOSE = ("docker-compose is not installed: install Debian's package "
                   "(apt-get install -y docker-compose) to check docker-compose.yml")


@pytest.fixture(scope="session")
def compose_config(tmp_path_factory) -> dict:
    """`docker-compose config` of the compose file: validated, defaults substituted."""
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail(INSTALL_COMPOSE)
    home = tmp_path_factory.mktemp("compose")
    no_settings = home / "empty.env"
    no_settings.write_text("")
    # A clean environment and an empty env file: the defaults written in the file are tested,
    # not a developer's CRM_* variables or .env.
    result = subprocess.run(
        [binary, "--file", str(COMPOSE_FILE), "--env-file", str(no_settings), "config"],
        cwd=ROOT, env={"PATH": os.defpath, "HOME": str(home), "LANG": "C.UTF-8"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, f"docker-compose rejects {COMPOSE_FILE.name}:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="session")
def kustomization() -> dict:
    return yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())


@pytest.fixture(scope="session")
def manifests(kustomization) -> list[tuple[str, dict]]:
    """(file name, document) for every object kustomization.yaml lists."""
    return [(name, document)
            for name in kustomization["resources"]
            for document in yaml.safe_load_all((KUBERNETES / name).read_text())
            if document]


@pytest.fixture(scope="session")
def objects(manifests) -> dict[str, dict[str, dict]]:
    """The manifests by kind, then by name: objects["Deployment"]["gateway"]."""
    found: dict[str, dict[str, dict]] = {}
    for _, document in manifests:
        found.setdefault(document["kind"], {})[document["metadata"]["name"]] = document
    return found
