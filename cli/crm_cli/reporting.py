"""`crm reporting rebuild`: empty the reporting service's read models and read every
service's event log back into them, page by page, with a progress bar per service."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.progress import Progress

from crm_cli.client import CrmClient

PAGE = 1000


@dataclass
class SourceRebuilt:
    source: str
    applied: int = 0
    skipped: int = 0
    pages: int = 0
    head: int | None = None


@dataclass
class Rebuilt:
    sources: list[SourceRebuilt] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(source.applied for source in self.sources)


def rebuild(client: CrmClient, progress: Progress, page_size: int = PAGE) -> Rebuilt:
    started = client.post("/reports/rebuild")
    result = Rebuilt()
    for source in started["sources"]:
        done = SourceRebuilt(source)
        result.sources.append(done)
        task = progress.add_task(source, total=None)
        cursor: int | None = 0
        while cursor is not None:
            page = client.post("/reports/rebuild/pages",
                               json={"source": source, "cursor": cursor, "limit": page_size})
            done.applied += page["applied"]
            done.skipped += page["skipped"]
            done.pages += 1
            done.head = page.get("head")
            position = page.get("last_seq") or cursor
            progress.update(task, total=max(done.head or 0, position) or None,
                            completed=position)
            cursor = page.get("next_cursor")
        progress.update(task, total=max(done.head or 0, 1), completed=max(done.head or 0, 1))
    return result


def report_lines(result: Rebuilt) -> list[str]:
    lines = [f"read models rebuilt from {result.applied} event(s):"]
    for source in result.sources:
        skipped = f", {source.skipped} skipped (no contract)" if source.skipped else ""
        lines.append(f"  {source.source:<10} {source.applied} applied{skipped}")
    return lines
