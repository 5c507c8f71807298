"""Identifying without a network: the typology network in the browser, its parity with the service, the offline path.

The browser runs the web app's own modules (js/photo.js, js/offline/model.js) on the very bytes the app would upload;
the service's probabilities for those bytes come from the same model run in Python, decoded as the service decodes.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from basegun.inference.imaging import Detail, Limits, decode
from basegun.inference.preprocess import normalise, shorter_side_center_crop
from basegun.networks.served import Models
from tests.browser.in_browser import derived_photo, in_browser
from tests.browser.steps import get_json, reload_offline, send_photo, starts

if TYPE_CHECKING:
    from tests.browser.conftest import App

pytestmark = pytest.mark.browser

PARITY_TOLERANCE = 0.02  # the bar for the largest difference of any class probability
WORKER_ACTIVE = (
    "navigator.serviceWorker.controller !== null && (await navigator.serviceWorker.ready).active.state === 'activated'"
)


def test_browser_probabilities_match_the_service_on_every_typology_photo(
    app: App, photos: Path, models: Models, live_server: Any
) -> None:
    served = get_json(f"{live_server.url}/api/v1/models/typology.json")
    assert served["sha256"] == models.typology.session.manifest.sha256, "the test compares the served model"
    detail = Detail(**served["decode"]["jpeg_draft"])
    app.open()
    deltas = {}
    for photo in sorted((photos / "typology").glob("*.jpg")):
        browser, sent = in_browser(app.page, photo.name, photo.read_bytes())
        service = models.typology.probabilities(decode(sent, Limits(), detail).image).astype(np.float64)
        deltas[photo.name] = float(np.abs(browser - service).max())
        assert browser.argmax() == service.argmax(), photo.name
        # The service's own answer over HTTP, for the same bytes.
        identify = f"{live_server.url}/api/v1/identify"
        answer = httpx.post(identify, files={"image": ("photo.jpg", sent)}, timeout=60).json()
        assert answer["typology"]["key"] == served["classes"][int(browser.argmax())], photo.name
        assert abs(answer["confidence"] - browser.max()) <= PARITY_TOLERANCE, photo.name
    assert len(deltas) >= 12
    assert max(deltas.values()) <= PARITY_TOLERANCE, deltas


def test_offline_identification_then_queued_measurement_sent_when_back(
    app: App, photos: Path, texts: dict, labels: list[dict], live_server: Any, tmp_path: Path
) -> None:
    fr = texts["fr"]
    page = app.page
    source = "typology/pompe.jpg"
    expected = next(row["expected"] for row in labels if row["path"] == source)
    label = get_json(f"{live_server.url}/api/v1/typologies/{expected}")["label"]["fr"]
    photo = tmp_path / "derived.jpg"
    photo.write_bytes(derived_photo(photos / source))

    # First visit, online: the service worker takes over and the model is kept in the background.
    app.start_as(fr["role"]["police"])
    app.heading(fr["home"]["title"])
    app.until(WORKER_ACTIVE)
    expect(page.locator("#offline-model")).to_contain_text(fr["offline"]["status_ready"])
    app.shot("40-offline-ready")

    app.context.set_offline(True)
    reload_offline(page)
    page.wait_for_selector("body[data-ready]")
    expect(page.locator("#network")).to_contain_text(fr["network"]["offline"])
    expect(page.locator("#offline-model")).to_contain_text(fr["offline"]["status_ready"])
    page.get_by_role("link", name=starts(fr["home"]["identify"])).click()
    app.heading(fr["identify"]["title"])
    expect(page.locator("main")).to_contain_text(fr["offline"]["picker_here"])
    send_photo(app, fr, "identify", photo)

    app.heading(fr["result"]["title"])
    expect(page.locator(".result-card .result-main")).to_have_text(label)
    main = page.locator("main")
    expect(main).to_contain_text(fr["offline"]["answered_here"])
    expect(main).to_contain_text(fr["offline"]["presence_not_checked"])
    expect(page.locator(".category")).to_be_visible()
    expect(page.get_by_role("link", name=starts(fr["next"]["secure"]))).to_be_visible()
    app.shot("41-offline-result")

    # The measurement needs the service: the photo waits, with the user's consent, and goes when the network is back.
    page.get_by_role("link", name=starts(fr["next"]["measure"])).click()
    app.heading(fr["measure"]["title"])
    expect(main).to_contain_text(fr["photo"]["offline_text"])
    send_photo(app, fr, "measure", photos / "measure" / "pompe.jpg")
    app.heading(fr["photo"]["waiting_title"])
    app.shot("42-offline-measure-waiting")
    with page.expect_response("**/api/v1/measure") as sent:
        app.context.set_offline(False)
    assert sent.value.ok
    app.heading(fr["measure"]["result_title"])
    lengths = page.locator(".measurement .fact")
    expect(lengths.filter(has_text=fr["measure"]["overall"])).to_contain_text(re.compile(r"\d+,\d cm"))


def test_service_failing_answers_on_the_phone_then_the_service_checks_it(
    app: App, photos: Path, texts: dict, live_server: Any
) -> None:
    fr = texts["fr"]
    page = app.page
    app.start_as(fr["role"]["citizen"])
    app.heading(fr["home"]["title"])
    expect(page.locator("#offline-model")).to_contain_text(fr["offline"]["status_ready"])
    problem = {"type": "about:blank", "title": "Service Unavailable", "status": 503, "code": "model_unavailable"}
    page.route(
        "**/api/v1/identify",
        lambda route: route.fulfill(status=503, content_type="application/problem+json", body=json.dumps(problem)),
    )
    page.get_by_role("link", name=starts(fr["home"]["identify"])).click()
    send_photo(app, fr, "identify", photos / "typology" / "revolver.jpg")
    app.heading(fr["result"]["title"])
    expect(page.locator(".result-card")).to_contain_text("Revolver")
    expect(page.locator("main")).to_contain_text(fr["offline"]["answered_here"])
    app.shot("43-service-down-answered-here")

    page.unroute("**/api/v1/identify")
    page.get_by_role("button", name=fr["offline"]["check_with_service"]).click()
    app.heading(fr["result"]["title"])
    expect(page.locator("main")).not_to_contain_text(fr["offline"]["answered_here"])
    expect(page.locator(".result-card")).to_contain_text("Revolver")


def test_metered_connection_keeps_the_model_only_when_asked(app: App, texts: dict) -> None:
    """The user's data saver setting, which desktop Chromium cannot switch on, is emulated as a phone reports it."""
    fr = texts["fr"]
    page = app.page
    page.add_init_script("Object.defineProperty(NetworkInformation.prototype, 'saveData', { get: () => true })")
    app.start_as(fr["role"]["citizen"])
    app.heading(fr["home"]["title"])
    status = page.locator("#offline-model")
    expect(status).to_contain_text(fr["offline"]["status_metered"])
    # The decision is taken before any download starts: nothing of the model is kept.
    assert page.evaluate("async () => (await caches.match('api/v1/models/typology.onnx')) === undefined")
    app.shot("44-offline-metered")
    status.get_by_role("button", name=fr["offline"]["download"]).click()
    expect(status).to_contain_text(fr["offline"]["status_ready"])
    assert page.evaluate("async () => (await caches.match('api/v1/models/typology.onnx')) !== undefined")


# In the page: the views js/offline/preprocess.js makes of an RGB image for a manifest's preprocessing.
VIEWS = """async ([width, height, encoded, prep]) => {
  const { views } = await import("./js/offline/preprocess.js");
  const data = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const encode = (bytes) => {
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  };
  try {
    return views({ width, height, data }, prep).map((view) => encode(view.data));
  } catch (error) {
    return String(error.message);
  }
}"""


def square_letterbox(image: Image.Image, size: int, pad: tuple[int, int, int]) -> np.ndarray:
    """The typology letterbox: the longer side to `size` (Pillow bilinear), centred on a `pad` square."""
    ratio = size / max(image.size)
    width, height = max(1, round(image.width * ratio)), max(1, round(image.height * ratio))
    canvas = Image.new("RGB", (size, size), pad)
    canvas.paste(image.resize((width, height), Image.Resampling.BILINEAR), ((size - width) // 2, (size - height) // 2))
    return np.asarray(canvas)


@pytest.mark.parametrize("size", [(1600, 1200), (517, 920), (800, 182), (333, 333)])
def test_every_preprocessing_mode_gives_the_services_pixels(app: App, size: tuple[int, int]) -> None:
    """Crop, letterbox, and both: the browser's pixels are Pillow's (resizing included, to within 1 of 255)."""
    width, height = size
    rng = np.random.default_rng(width * height)
    pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    image = Image.fromarray(pixels)
    prep = {"size": 320, "interpolation": "bilinear", "pad_value": [114, 100, 90], "channel_order": "RGB"}
    crop = shorter_side_center_crop(image, 320)
    boxed = square_letterbox(image, 320, (114, 100, 90))
    expected = {
        "shorter_side_center_crop": [crop],
        "letterbox": [boxed],
        "center_crop_and_letterbox_mean": [crop, boxed],
    }
    app.open()
    encoded = base64.b64encode(pixels.tobytes()).decode()
    for mode, views in expected.items():
        got = app.page.evaluate(VIEWS, [width, height, encoded, {**prep, "resize": mode}])
        assert isinstance(got, list), (mode, got)
        for made, want in zip(got, views, strict=True):
            browser = np.frombuffer(base64.b64decode(made), dtype=np.uint8).reshape(320, 320, 3).astype(int)
            assert np.abs(browser - want.astype(int)).max() <= 1, mode
            assert np.mean(browser != want) < 0.01, mode
    refused = app.page.evaluate(VIEWS, [width, height, encoded, {**prep, "resize": "stretch"}])
    assert refused == "unknown preprocessing mode in the model's manifest: stretch"


def test_two_views_and_a_calibration_temperature_as_the_manifest_says(
    app_without_worker: App, photos: Path, models: Models, live_server: Any
) -> None:
    """A recalibrated model's manifest (both views, each tempered, then averaged) changes the browser's answer with
    no change to the web app. The manifest is served to the page in place of the service's (no worker, so that the
    page's own requests can be routed); the expected probabilities follow the manifest's words, in numpy."""
    app = app_without_worker
    temperature = 1.5
    served = get_json(f"{live_server.url}/api/v1/models/typology.json")
    served["preprocessing"]["resize"] = "center_crop_and_letterbox_mean"
    served["decoding"]["temperature"] = temperature
    app.page.route("**/api/v1/models/typology.json", lambda route: route.fulfill(json=served))
    app.open()
    prep = models.typology.session.manifest.preprocessing
    detail = Detail(**served["decode"]["jpeg_draft"])
    for name in ("pompe.jpg", "revolver.jpg", "semi_auto_mil_20.jpg"):
        photo = photos / "typology" / name
        browser, sent = in_browser(app.page, photo.name, photo.read_bytes())
        image = decode(sent, Limits(), detail).image
        views = [shorter_side_center_crop(image, prep.size), square_letterbox(image, prep.size, prep.pad_value)]
        output = models.typology.session.run(np.concatenate([normalise(view, prep) for view in views]))[0]
        logits = np.log(np.maximum(output.astype(np.float64), 1e-12)) / temperature
        tempered = np.exp(logits - logits.max(axis=1, keepdims=True))
        expected = (tempered / tempered.sum(axis=1, keepdims=True)).mean(axis=0)
        assert np.abs(browser - expected).max() <= 1e-3, name  # float noise only: the two runtimes differ in rounding
        assert browser.argmax() == expected.argmax(), name
