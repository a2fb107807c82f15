"""Fresh without a reload, in a real Chromium against the real platform: a deal moved by
someone else shows in its new column on a rep's open board, and a ticket a manager assigns
to an agent shows in the agent's open queue. Both screens poll; the gateway answers these
reads with an ETag and `Cache-Control: private, no-cache`, so the browser's HTTP cache asks
again with If-None-Match and a poll that finds nothing new is a 304 without a body."""

from __future__ import annotations

import time
import uuid

from browser_kit import make_user, sign_in
from playwright.sync_api import expect

POLL_WAIT_MS = 40_000  # the screens poll every 15 s: two polls and some slack

BOARD = "/api/v1/opportunities/board"
QUEUE = "/api/v1/tickets/queue"


def answers_to(page, path: str) -> list:
    """Every response to `path` the page receives from now on, in order."""
    seen: list = []
    page.on("response", lambda response: path in response.url and seen.append(response))
    return seen


def statuses_on_the_wire(page, path: str):
    """The HTTP statuses the server really sent for `path`, in order. A revalidated answer
    reaches the page, and Playwright's Response, as the cached 200; the DevTools protocol's
    raw response (responseReceivedExtraInfo) keeps the server's 304."""
    session = page.context.new_cdp_session(page)
    urls: dict[str, str] = {}
    raw: list[tuple[str, int]] = []
    session.on("Network.requestWillBeSent",
               lambda event: urls.setdefault(event["requestId"], event["request"]["url"]))
    session.on("Network.responseReceivedExtraInfo",
               lambda event: raw.append((event["requestId"], event["statusCode"])))
    session.send("Network.enable")
    return lambda: [status for request, status in raw if path in urls.get(request, "")]


def wait_for_count(page, seen: list, count: int, timeout_ms: int = POLL_WAIT_MS) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while len(seen) < count:
        assert time.monotonic() < deadline, f"{len(seen)} answers, {count} expected"
        page.wait_for_timeout(250)


def mark_document(page) -> None:
    """A mark a reload would lose: checked at the end, it proves there was none."""
    page.evaluate("() => { window.__stillTheSamePage = true; }")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("() => window.__stillTheSamePage === true"), "the page was reloaded"


def test_a_deal_moved_by_someone_else_moves_on_the_open_board(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    rep = make_user(admin_api, "sales_rep", "Rhea")
    manager = make_user(admin_api, "sales_manager", "Manon")
    created = rep["session"].post(f"{admin_api.base}/api/v1/opportunities", json={
        "name": f"Fresh deal {suffix}", "amount": "900.00", "currency": "EUR"})
    assert created.status_code == 201, created.text
    deal = created.json()
    page = page_for()
    sign_in(page, rep, r"/my-day$")
    boards = answers_to(page, BOARD)
    wire = statuses_on_the_wire(page, BOARD)
    page.goto("/pipeline")
    card = page.locator(f'[data-card-id="{deal["id"]}"]')
    card.wait_for()
    mark_document(page)
    home = card.locator("xpath=ancestor::section[@data-stage-id]").get_attribute("data-stage-id")
    stages = page.locator("[data-stage-id]").evaluate_all("els => els.map(e => e.dataset.stageId)")
    target = next(stage for stage in stages[1:] if stage != home)

    # Nothing changed: the next poll is conditional, and the server's answer a bodiless 304
    # (the page still reads the board it had: the browser's cache serves it).
    wait_for_count(page, boards, 2)
    first, poll = boards[0], boards[1]
    assert first.status == 200
    tag = first.all_headers()["etag"]
    assert tag.startswith('W/"'), tag
    assert "no-cache" in first.all_headers()["cache-control"]
    assert poll.request.all_headers().get("if-none-match") == tag
    assert wire()[:2] == [200, 304], wire()
    assert poll.request.sizes()["responseBodySize"] == 0, poll.request.sizes()

    # Someone else moves the deal: the card shows in its new column at a later poll.
    moved = manager["session"].post(
        f"{admin_api.base}/api/v1/opportunities/{deal['id']}/move", json={"stage_id": target})
    assert moved.status_code == 200, moved.text
    polls_before = len(boards)
    expect(page.locator(f'[data-stage-id="{target}"] [data-card-id="{deal["id"]}"]')
           ).to_be_visible(timeout=POLL_WAIT_MS)
    expect(page.locator(f'[data-stage-id="{home}"] [data-card-id="{deal["id"]}"]')
           ).to_have_count(0)
    assert_not_reloaded(page)
    # The poll that brought it asked with the ETag it had, and the move had changed it: the
    # server sent the new board in full.
    changed = [answer for answer in boards[polls_before:] if answer.all_headers()["etag"] != tag]
    assert changed and changed[0].request.all_headers().get("if-none-match") == tag
    assert 200 in wire()[2:], wire()
    served = rep["session"].get(f"{admin_api.base}/api/v1/opportunities/{deal['id']}").json()
    assert served["stage_id"] == target


def test_a_ticket_assigned_by_a_manager_shows_in_the_open_queue(admin_api, page_for):
    suffix = uuid.uuid4().hex[:6]
    agent = make_user(admin_api, "support_agent", "Ada")
    manager = make_user(admin_api, "support_manager", "Morgan")
    mine = manager["session"].post(f"{admin_api.base}/api/v1/tickets", json={
        "subject": f"Already queued {suffix}", "priority": "normal",
        "assignee_id": agent["id"]})
    assert mine.status_code == 201, mine.text
    waiting = manager["session"].post(f"{admin_api.base}/api/v1/tickets", json={
        "subject": f"Printer on fire {suffix}", "priority": "urgent"})
    assert waiting.status_code == 201, waiting.text
    ticket = waiting.json()
    page = page_for()
    queues = answers_to(page, QUEUE)
    sign_in(page, agent, r"/queue$")
    page.get_by_role("cell", name=f"Already queued {suffix}").wait_for()
    expect(page.get_by_role("cell", name=f"Printer on fire {suffix}")).to_have_count(0)
    mark_document(page)
    wait_for_count(page, queues, 1)

    assigned = manager["session"].post(
        f"{admin_api.base}/api/v1/tickets/{ticket['id']}/assign",
        json={"assignee_id": agent["id"]})
    assert assigned.status_code == 200, assigned.text
    polls_before = len(queues)
    tag = queues[-1].all_headers()["etag"]  # the answer the browser's cache holds
    row = page.get_by_role("row").filter(has_text=f"Printer on fire {suffix}")
    expect(row).to_be_visible(timeout=POLL_WAIT_MS)
    expect(row.get_by_role("link", name=ticket["number"])).to_be_visible()
    assert_not_reloaded(page)
    # The poll that brought it asked with the ETag it had, as the browser's cache does.
    later = queues[polls_before:]
    assert later and later[0].request.all_headers().get("if-none-match") == tag, [
        answer.request.all_headers().get("if-none-match") for answer in later]
    served = agent["session"].get(f"{admin_api.base}/api/v1/tickets/queue").json()["items"]
    assert ticket["id"] in [item["id"] for item in served]
