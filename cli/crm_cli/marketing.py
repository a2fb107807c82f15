"""`crm marketing rebuild`: read the contacts service's event log back into the marketing
service's projection of contacts, accounts and consent, page by page, with a progress bar."""

from __future__ import annotations

from rich.progress import Progress

from crm_cli.client import CrmClient

PAGE = 1000


def rebuild(client: CrmClient, progress: Progress, page_size: int = PAGE) -> int:
    """Returns the number of events read."""
    task = progress.add_task("contacts event log", total=None)
    applied, cursor = 0, 0
    while cursor is not None:
        page = client.post("/marketing/projection/rebuild",
                           json={"cursor": cursor, "limit": page_size})
        applied += page["applied"]
        position = page.get("last_seq") or cursor
        progress.update(task, total=max(page.get("head") or 0, position) or None,
                        completed=position)
        cursor = page.get("next_cursor")
    progress.update(task, total=max(applied, 1), completed=max(applied, 1))
    return applied
