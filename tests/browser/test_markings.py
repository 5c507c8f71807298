"""Reading the markings in the web app: read, confirm, correct; the fields in the summary; offline, the photo waits."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.steps import identify, offline_at_home, send_photo, starts

if TYPE_CHECKING:
    from tests.browser.conftest import App

pytestmark = pytest.mark.browser


def test_markings_read_confirm_correct(app: App, photos: Path, texts: dict, live_server: Any) -> None:
    fr = texts["fr"]
    page = app.page
    app.start_as(fr["role"]["police"])
    identify(app, fr, photos / "typology" / "pistolet_semi_auto.jpg")

    page.get_by_role("link", name=starts(fr["next"]["markings"])).click()
    app.heading(fr["markings"]["title"])
    app.shot("30-markings-tips")
    send_photo(app, fr, "markings", photos / "alarm" / "alarm_gun_blow_f92.jpg")
    app.heading(fr["markings"]["result_title"])

    labels = fr["markings"]["field"]
    maker, model = page.get_by_label(labels["maker"]), page.get_by_label(labels["model"])
    expect(maker).to_have_value("Blow")
    expect(model).to_have_value("F92")
    expect(page.get_by_label(labels["calibre"])).to_have_value("9 mm P.A.K.")
    expect(page.locator(".markings-field").first).to_contain_text("BLOW")  # the words the maker came from
    expect(page.locator(".markings-boxes .box")).not_to_have_count(0)
    expect(page.locator("main")).to_contain_text(fr["markings"]["reasons_title"])
    app.shot("31-markings-read")

    model.fill("F92 Auto")  # the agent corrects the model
    page.get_by_role("button", name=fr["markings"]["confirm"]).click()
    expect(page.locator(".markings-form .status")).to_contain_text("1 saisis ou corrigés")
    app.shot("32-markings-confirmed")

    page.get_by_role("link", name=fr["summary"]["open"]).click()
    app.heading(fr["summary"]["title"])
    main = page.locator("main")
    expect(main).to_contain_text("Blow (lu)")
    expect(main).to_contain_text("F92 Auto (saisi)")
    expect(main).to_contain_text("9 mm P.A.K. (lu)")
    app.shot("33-summary-markings")
    page.emulate_media(media="print")
    expect(main).to_contain_text("F92 Auto (saisi)")
    page.emulate_media(media="screen")

    serial = "2203704"
    assert serial not in live_server.log_path.read_text(encoding="utf-8")  # a serial number is never logged


def test_markings_photo_waits_offline(app_without_worker: App, photos: Path, texts: dict) -> None:
    app = app_without_worker
    fr = texts["fr"]
    page = app.page
    offline_at_home(app, fr)
    app.open("markings")
    app.heading(fr["markings"]["title"], focused=False)
    send_photo(app, fr, "markings", photos / "alarm" / "alarm_gun_blow_f92.jpg")
    app.heading(fr["photo"]["waiting_title"])
    app.context.set_offline(False)
    app.heading(fr["markings"]["result_title"])
    expect(page.get_by_label(fr["markings"]["field"]["maker"])).to_have_value("Blow")
