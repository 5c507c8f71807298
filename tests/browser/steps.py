"""Steps several browser tests take the same way: sending a photo, identifying, a refusal, going offline."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.browser.conftest import App


def starts(text: str) -> re.Pattern[str]:
    """An accessible name that starts with `text` (big buttons add a hint after their label)."""
    return re.compile("^" + re.escape(text))


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def send_photo(app: App, fr: dict[str, Any], flow: str, photo: Path) -> None:
    """On the `flow` screen (identify, measure, alarm, markings): choose the photo, wait for its review, send it."""
    app.choose_photo(flow, photo)
    app.heading(fr[flow]["review_title"])
    app.page.get_by_role("button", name=fr["photo"]["send"]).click()


def identify(app: App, fr: dict[str, Any], photo: Path) -> None:
    """From the home screen: photo tips, choose the photo, check it, send it, wait for the result."""
    app.page.get_by_role("link", name=starts(fr["home"]["identify"])).click()
    app.heading(fr["identify"]["title"])
    send_photo(app, fr, "identify", photo)
    app.heading(fr["result"]["title"])


def refused(app: App, fr: dict[str, Any], error: str) -> None:
    """The photo sent could not be used: the failure screen tells why, in its alert (`fr["errors"][error]`)."""
    app.heading(fr["photo"]["failed_title"])
    expect(app.page.get_by_role("alert")).to_have_text(fr["errors"][error])


def another_photo(app: App, fr: dict[str, Any], flow: str, photo: Path) -> None:
    """From the failure screen: back to the `flow` screen, another photo chosen and sent."""
    app.page.get_by_role("button", name=fr["photo"]["other"]).click()
    app.heading(fr[flow]["title"])
    send_photo(app, fr, flow, photo)


def offline_at_home(app: App, fr: dict[str, Any]) -> None:
    """A police agent on the home screen, then the network cut."""
    app.start_as(fr["role"]["police"])
    app.heading(fr["home"]["title"])
    app.context.set_offline(True)


def reload_offline(page: Any) -> None:
    """Reload with the network cut: the service worker must answer.

    Seen twice in about fifteen runs of the whole suite (never alone): headless Chromium's first navigation after the
    context goes offline sometimes skips a worker that has just started and fails with ERR_INTERNET_DISCONNECTED. One
    more attempt is allowed; a worker that cannot serve the page fails both.
    """
    try:
        page.reload()
    except PlaywrightError as error:
        if "ERR_INTERNET_DISCONNECTED" not in str(error):
            raise
        page.wait_for_timeout(1000)
        page.reload()
