"""`crm reporting rebuild` without a platform: the pages it asks for and what it shows."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from crm_cli.main import main
from crm_cli.progress import progress_bar
from crm_cli.reporting import rebuild, report_lines


class FakeGateway:
    """Answers the rebuild's requests from an event log of `heads` events per source."""

    def __init__(self, heads: dict[str, int]):
        self.heads = heads
        self.requests: list[tuple[str, dict | None]] = []

    def post(self, path: str, json=None):
        self.requests.append((path, json))
        if path == "/reports/rebuild":
            return {"sources": list(self.heads)}
        head = self.heads[json["source"]]
        last = min(json["cursor"] + json["limit"], head)
        count = last - json["cursor"]
        return {"source": json["source"], "applied": count, "skipped": 0,
                "last_seq": last if count else None, "head": head,
                "next_cursor": last if count == json["limit"] else None}


def test_rebuild_walks_every_log_to_its_end():
    gateway = FakeGateway({"contacts": 5, "sales": 0})
    out = io.StringIO()
    with progress_bar(Console(file=out, force_terminal=False)) as progress:
        result = rebuild(gateway, progress, page_size=2)
        totals = {task.description: (task.completed, task.total) for task in progress.tasks}
    assert [(path, body and body["cursor"]) for path, body in gateway.requests] == [
        ("/reports/rebuild", None), ("/reports/rebuild/pages", 0),
        ("/reports/rebuild/pages", 2), ("/reports/rebuild/pages", 4),
        ("/reports/rebuild/pages", 0)]
    assert totals["contacts"] == (5, 5)
    assert result.applied == 5
    assert report_lines(result) == ["read models rebuilt from 5 event(s):",
                                    "  contacts   5 applied", "  sales      0 applied"]


def test_the_command_is_there(capsys):
    with pytest.raises(SystemExit) as done:
        main(["reporting", "rebuild", "--help"])
    assert done.value.code == 0
    assert "event log" in capsys.readouterr().out
