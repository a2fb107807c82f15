"""Rules of the repository's layout that the tools do not check by themselves."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from crm_testing.platform import SERVICES

ROOT = Path(__file__).resolve().parents[1]


def test_test_modules_have_unique_names():
    # Test folders are not packages: pytest imports each module under its bare file name,
    # so two `test_operations.py` in one run fail to collect (services' tests run together).
    names = Counter(path.name for path in ROOT.rglob("test_*.py")
                    if ".venv" not in path.parts and "node_modules" not in path.parts)
    assert [name for name, count in names.items() if count > 1] == []


def test_the_services_tables_can_live_in_one_process():
    # Every service declares its tables on the chassis's one Base, and `crm_chassis.migrations`
    # migrates them all from one process (as make up and the end-to-end tests do): a table
    # name taken by two services fails there, not in either service's own tests.
    models = ", ".join(f"{name}.models" for name in SERVICES)
    done = subprocess.run([sys.executable, "-c", f"import {models}"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
