"""Browser fixtures: Debian's Chromium driven by Playwright, at a phone's size, against the real server.

Every screen a test reaches is checked with axe-core and saved as a screenshot under test-artifacts/screenshots/,
for people to look at. A missing browser fails the tests: it is part of the test setup (`make system-deps`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from basegun.settings import REPO_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
LOCALES = REPO_ROOT / "frontend" / "locales"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}
# Chromium logs every failed request (a 4xx/5xx answer, a cut connection) as a console error; the tests that cause
# them check that the app tells the user its own way.
EXPECTED_CONSOLE = re.compile(r"^Failed to load resource: ")
# Identifying on two shared CPU cores, with the models warming up, can take a few seconds.
expect.set_options(timeout=60_000)


@pytest.fixture(scope="session")
def texts() -> dict[str, dict[str, Any]]:
    """The locale files, to assert the very texts a user reads."""
    return {lang: json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("fr", "en")}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium, or make system-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield browser
        browser.close()


class App:
    """One phone-sized visit of the web app, with helpers to reach screens, check and photograph them."""

    def __init__(self, context: BrowserContext, page: Page, url: str) -> None:
        self.context = context
        self.page = page
        self.url = url
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.search(message.text):
            self.problems.append(f"console error: {message.text}")
        if message.type == "warning" and "missing text" in message.text:
            self.problems.append(f"console: {message.text}")

    def open(self, route: str = "") -> None:
        self.page.goto(f"{self.url}/#/{route}")
        self.page.wait_for_selector("body[data-ready]")

    def heading(self, text: str | re.Pattern[str], focused: bool = True) -> None:
        """Wait for the screen whose heading is `text`; focus has moved to it (not on the page's first screen)."""
        heading = self.page.locator("main h1")
        expect(heading).to_have_text(text)
        if focused:
            expect(heading).to_be_focused()

    def start_as(self, role: str) -> None:
        """First visit: choose who you are."""
        self.open()
        self.page.get_by_role("button", name=role).click()

    def until(self, condition: str, timeout_ms: int = 60_000) -> None:
        """Wait until a JavaScript condition holds; it may `await`. (`page.wait_for_function` does not await the
        promise an async predicate returns: a promise is truthy, so it would return at once.)"""
        self.page.evaluate(
            """async ([condition, timeout]) => {
              const deadline = Date.now() + timeout;
              while (!(await (async () => CONDITION)())) {
                if (Date.now() > deadline) throw new Error(`timed out waiting for: ${condition}`);
                await new Promise((resolve) => setTimeout(resolve, 100));
              }
            }""".replace("CONDITION", condition),
            [condition, timeout_ms],
        )

    def choose_photo(self, flow: str, path: Path) -> None:
        self.page.set_input_files(f"#{flow}-file", str(path))

    def open_station(self) -> None:
        """The Station page, at a desk computer's size."""
        self.page.set_viewport_size(DESK)
        self.page.goto(f"{self.url}/station.html")
        self.page.wait_for_selector("body[data-ready]")

    def send_seizure(self, picker: str, path: Path, chosen: str | re.Pattern[str], name: str | None = None) -> None:
        """On the Station page: choose a seizure with `picker` (pick-folder, pick-files, pick-zip), see it described
        as `chosen`, and send it (French)."""
        self.page.set_input_files(f"#{picker}", str(path))
        expect(self.page.locator("#chosen")).to_have_text(chosen)
        if name is not None:
            self.page.get_by_label("Nom de la saisie (facultatif)").fill(name)
        self.page.get_by_role("button", name="Envoyer et analyser").click()

    def shot(self, name: str) -> None:
        """Check the screen with axe-core (no violation allowed), then save its screenshot."""
        self.page.evaluate("document.fonts.ready")
        results = Axe().run(self.page)
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in violations
        ]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        assert not violations, f"axe-core on {name}:\n" + "\n".join(details)


def visit(browser: Browser, url: str, workers: Literal["allow", "block"]) -> Iterator[App]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="fr-FR", service_workers=workers)
    context.set_default_timeout(60_000)
    page = context.new_page()
    app = App(context, page, url)
    yield app
    context.close()
    assert not app.problems, "\n".join(app.problems)


@pytest.fixture
def app(browser: Browser, live_server: Any, photos: Path) -> Iterator[App]:
    """A fresh browser context (no stored profile, no service worker yet) at a phone's size."""
    yield from visit(browser, live_server.url, "allow")


@pytest.fixture
def app_without_worker(browser: Browser, live_server: Any, photos: Path) -> Iterator[App]:
    """The same, in a browser that runs no service worker: nothing is kept for offline use, no model on the phone."""
    yield from visit(browser, live_server.url, "block")
