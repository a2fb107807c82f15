"""Makes the service's package importable when it is not installed in the environment."""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("reporting") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
