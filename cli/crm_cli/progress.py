"""The progress bars every command shows on the terminal (stderr)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


def progress_bar(console: Console) -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description:<22}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console)
