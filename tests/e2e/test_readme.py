"""The README's API examples, run as they are written, against a platform of their own:
documentation that has stopped working fails here."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
# Every curl of the examples fails the script on an HTTP error, which a reader's does not.
STRICT = 'set -eo pipefail\ncurl() { command curl --fail-with-body "$@"; }\n'


def api_examples() -> str:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return next(block for block in blocks if block.startswith("URL=${CRM_URL"))


@pytest.fixture(scope="module")
def readme_platform(start_platform, tmp_path_factory):
    # Its own: the examples' ACME and Zoë would otherwise be other tests' duplicates.
    own = start_platform(tmp_path_factory.mktemp("readme_platform"), "crm_e2e_readme")
    yield own
    own.stop()


def test_the_api_examples_run_as_written(readme_platform, tmp_path):
    env = {**os.environ, "CRM_URL": readme_platform.url,
           "CRM_ADMIN_EMAIL": readme_platform.admin["email"],
           "CRM_ADMIN_PASSWORD": readme_platform.admin["password"]}
    done = subprocess.run(["bash", "-c", STRICT + api_examples()], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    out = done.stdout
    assert '"status": "done"' in out and '"failed": 0' in out  # the import
    assert '"status": "accepted"' in out and '"order_id": null' not in out
    assert "BEGIN:VCALENDAR" in out and "BEGIN:VCARD" in out
    assert '"author_type": "agent"' in out and '"created": true' in out  # support
    assert out.count('"Export your contacts"') >= 2  # found, and suggested for the ticket
    assert '"status": "sending"' in out and '"skipped_without_consent": 0' in out  # marketing
    assert (tmp_path / "contacts.csv").read_text(encoding="utf-8").startswith("id,")
