"""Rules of the repository's layout that the tools do not check by themselves."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_test_modules_have_unique_names():
    # Test folders are not packages: pytest imports each module under its bare file name,
    # so two `test_operations.py` in one run fail to collect (services' tests run together).
    names = Counter(path.name for path in ROOT.rglob("test_*.py")
                    if ".venv" not in path.parts and "node_modules" not in path.parts)
    assert [name for name, count in names.items() if count > 1] == []
