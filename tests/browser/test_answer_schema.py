"""The answer the web app builds offline (js/offline/answer.js), built in the browser and held to the identification
JSON Schema the service serves: the two answers the result screen reads cannot drift apart unnoticed."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jsonschema_rs
import pytest

from tests.browser.steps import get_json

if TYPE_CHECKING:
    from tests.browser.conftest import App

pytestmark = pytest.mark.browser

# Prepare the photo as the app does before sending it (js/photo.js), then answer it as the app does offline.
OFFLINE_ANSWER = """async ([name, encoded]) => {
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const { preparePhoto } = await import("./js/photo.js");
  const { identifyOffline } = await import("./js/offline/answer.js");
  const prepared = await preparePhoto(new File([bytes], name, { type: "image/jpeg" }));
  return await identifyOffline(prepared.blob);
}"""
SOURCES = ("typology/revolver.jpg", "typology/pompe.jpg", "measure/uncoup.jpg")


def test_offline_answer_satisfies_the_served_identification_schema(app: App, photos: Path, live_server: Any) -> None:
    schema = get_json(f"{live_server.url}/api/v1/schemas/identification.json")
    validator = jsonschema_rs.validator_for(schema)
    app.open()
    for path in SOURCES:
        data = (photos / path).read_bytes()
        offline = app.page.evaluate(OFFLINE_ANSWER, [Path(path).name, base64.b64encode(data).decode()])
        assert offline["offline"] is True, path
        assert [error.message for error in validator.iter_errors(offline)] == [], path
        # What the schema holds it to: a field the result screen reads, gone or mistyped, is refused.
        assert not validator.is_valid({key: value for key, value in offline.items() if key != "legal"}), path
        assert not validator.is_valid({**offline, "confidence_level": "certain"}), path

        online = httpx.post(f"{live_server.url}/api/v1/identify", files={"image": ("p.jpg", data)}, timeout=60)
        assert online.status_code == 200, path
        assert [error.message for error in validator.iter_errors(online.json())] == [], path
        assert online.json()["typology"]["key"] == offline["typology"]["key"], path
