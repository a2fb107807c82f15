"""What every browser test needs: Debian's Chromium under Playwright, a fresh profile per
user, a signed-in user of a given role, and the axe-core check with a kept screenshot.

Fixtures `chromium` and `page_for` come through conftest.py; test modules import the
functions (``from browser_kit import make_user, sign_in, check_page``): pytest puts this
folder on the path.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "gateway" / "client"
CHROMIUM = Path("/usr/bin/chromium")
AXE = CLIENT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
PASSWORD = "browser-password-123"
# Root needs --no-sandbox; the rest keeps Chromium off the network this machine does not have.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str):
    # CI must run these tests: there, a missing browser or build is a failure, not a skip.
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI runs the browser tests: .ci/run installs chromium, "
                    "`make test` builds the client)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium chromium-driver")
    if not (CLIENT / "dist" / "index.html").exists() or not AXE.exists():
        _unavailable("the browser client is not built: run `make client` (Node 20+ and npm)")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=CHROMIUM_ARGS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page_for(chromium, platform):
    """A fresh browser profile (its own cookies) per user, at phone width when asked."""
    contexts = []

    def make(locale: str = "en-GB", phone: bool = False):
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = chromium.new_context(base_url=platform.url, locale=locale, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_errors = []
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.csp_errors.append(message.text))
        return page

    yield make
    for context in contexts:
        context.close()


def make_user(admin_api, role: str, name: str) -> dict:
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@browser.test"
    created = admin_api.post("/api/v1/users", json={
        "email": email, "name": name, "password": PASSWORD, "role": role})
    assert created.status_code == 201, created.text
    token = requests.post(f"{admin_api.base}/api/v1/auth/token", timeout=30,
                          json={"email": email, "password": PASSWORD}).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return {**created.json(), "email": email, "session": session}


def sign_in(page, user: dict, landing: str) -> None:
    page.goto("/")
    page.wait_for_url(re.compile(r"/sign-in"))
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(landing))


def check_page(page, name: str) -> None:
    """No serious or critical violation on the page as it is now; keeps a screenshot."""
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    # Evaluated through the DevTools protocol, which the page's CSP does not apply to.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""")
    assert violations == [], f"{name}: {violations}"
    assert page.csp_errors == [], page.csp_errors
