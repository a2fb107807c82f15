"""What a standalone bench (bench.client, bench.reporting) ends with: its figures as JSON,
its lines, and each target marked met, NOT MET, or n/a."""

from __future__ import annotations

import json
from pathlib import Path


def finish(figures: dict, output: str, lines: list[str],
           checks: list[tuple[str, str, bool | None]], width: int = 44) -> None:
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2))
    for line in lines:
        print(line)
    for target, measured, met in checks:
        print(f"  [{'n/a' if met is None else 'met' if met else 'NOT MET':>7}] "
              f"{target:<{width}} {measured}")
    print(f"\nfigures written to {path}")
