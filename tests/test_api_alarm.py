"""The alarm and replica checks through the HTTP API, with the real app, models and photos."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from tests.calls import app_client
from tests.images import encode, wall

DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # Debian's fonts-dejavu-core


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with app_client(tmp_path_factory.mktemp("alarm-api-data")) as test_client:
        yield test_client


def alarm_check(client: TestClient, data: bytes) -> dict:
    response = client.post("/api/v1/alarm-check", files={"image": ("markings.jpg", data, "image/jpeg")})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def blow_f92(client: TestClient, photos: Path) -> dict:
    return alarm_check(client, (photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes())


def test_alarm_check_names_listed_model(blow_f92: dict) -> None:
    assert blow_f92["status"] == "listed_alarm_model"
    assert blow_f92["listed_model"] == {"maker": "BLOW", "model": "F92"}
    assert "BLOW F92" in blow_f92["summary"]["fr"]
    assert blow_f92["id"]
    evidence = blow_f92["evidence"]
    assert evidence["quality"]["problems"] == []
    read = {line["text"]: line for line in evidence["text"]}
    assert read["BLOW F92"]["confidence"] > 0.9
    assert read["BLOW F92"]["used"] is True
    assert evidence["listed_models"][0]["found"] == [
        {"term": "BLOW", "read": "BLOW", "line": list(read).index("BLOW F92")},
        {"term": "F92", "read": "F92", "line": list(read).index("BLOW F92")},
    ]
    assert [mark["mark"] for mark in evidence["blank_firing_marks"]] == ["P.A.K"]
    assert blow_f92["notice"]["fr"]


def test_alarm_check_finds_no_text(client: TestClient, photos: Path) -> None:
    body = alarm_check(client, (photos / "alarm" / "no_text.jpg").read_bytes())
    assert body["status"] == "no_text"
    assert body["listed_model"] is None
    assert body["evidence"]["quality"]["problems"] == []
    assert "close-up" in body["advice"]["en"]


@pytest.mark.parametrize("name", ["bad_quality.jpg", "low_quality_text.jpg"])
def test_alarm_check_calls_poor_photo_unreadable(client: TestClient, photos: Path, name: str) -> None:
    body = alarm_check(client, (photos / "quality" / name).read_bytes())
    assert body["status"] == "unreadable"
    assert body["evidence"]["quality"]["problems"] == ["blurred"]
    assert body["evidence"]["listed_models"] == []  # what the OCR made of it, if anything, matched no marking
    assert "floue" in body["summary"]["fr"]
    assert "blurred" in body["summary"]["en"]
    assert "close-up" in body["advice"]["en"]


def test_alarm_check_reads_strip_40_px_tall_cut_from_close_up(client: TestClient, photos: Path) -> None:
    """A close-up cropped to its markings is a thin strip: it is read, not refused for its size."""
    close_up = Image.open(photos / "alarm" / "alarm_gun_blow_f92.jpg").convert("RGB")
    strip = close_up.crop((80, 165, 380, 205))  # the "BLOW F92" line, 300 × 40 px
    body = alarm_check(client, encode(strip, "JPEG", quality=90))
    assert body["status"] == "listed_alarm_model"
    assert body["listed_model"] == {"maker": "BLOW", "model": "F92"}
    assert body["photo"] == {"width": 300, "height": 40}
    assert body["evidence"]["quality"]["problems"] == []
    # Text boxes are given in the strip's own pixels, although it was enlarged to be read.
    for line in body["evidence"]["text"]:
        assert all(0 <= x <= 300 and 0 <= y <= 40 for x, y in line["box"]), line


@pytest.mark.parametrize(
    ("text", "maker", "model"), [("ZORAKI MOD. 925", "ZORAKI", "925"), ("KIMAR 75 AUTO", "KIMAR", "75 AUTO")]
)
def test_alarm_check_reads_rendered_marking_strip_40_px_tall(
    client: TestClient, text: str, maker: str, model: str
) -> None:
    body = alarm_check(client, encode(marking_strip(text, 40), "JPEG", quality=80))
    assert body["status"] == "listed_alarm_model", body["evidence"]["text"]
    assert body["listed_model"] == {"maker": maker, "model": model}


def test_alarm_check_answers_marking_read_in_blurred_strip(client: TestClient) -> None:
    """Large engraving stays legible through a blur the gate measures: what is read and matched is the answer."""
    soft = cv2.GaussianBlur(np.asarray(marking_strip("ZORAKI MOD. 925", 100)), (0, 0), 2.5)
    body = alarm_check(client, encode(Image.fromarray(soft), "JPEG", quality=90))
    assert body["evidence"]["quality"]["problems"] == ["blurred"]
    assert body["status"] == "listed_alarm_model"
    assert body["listed_model"] == {"maker": "ZORAKI", "model": "925"}


def test_alarm_check_refuses_strip_under_32_px(client: TestClient) -> None:
    response = client.post(
        "/api/v1/alarm-check",
        files={"image": ("markings.jpg", encode(marking_strip("BLOW F92", 31), "JPEG"), "image/jpeg")},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "image_too_small"


def marking_strip(text: str, height: int) -> Image.Image:
    """Light engraving on dark, brushed metal, slightly soft and noisy, as a phone sees a slide's markings."""
    if not DEJAVU_BOLD.is_file():
        pytest.skip(f"the DejaVu fonts are absent ({DEJAVU_BOLD}): `make` installs fonts-dejavu-core")
    font = ImageFont.truetype(str(DEJAVU_BOLD), round(height * 0.42 / 0.73))  # capitals 42 % of the strip
    width = round(font.getlength(text) + 1.2 * height)
    rng = np.random.default_rng(height)
    metal = 55 + np.linspace(-12, 12, width)[None, :] + rng.normal(0, 5, (height, width))
    image = Image.fromarray(np.clip(metal, 0, 255).astype(np.uint8))
    ImageDraw.Draw(image).text((0.6 * height, height / 2), text, fill=175, font=font, anchor="lm")
    soft = cv2.GaussianBlur(np.asarray(image, np.float32), (0, 0), 0.7) + rng.normal(0, 3, (height, width))
    return Image.fromarray(np.clip(soft, 0, 255).astype(np.uint8)).convert("RGB")


def test_alarm_check_calls_blank_wall_unreadable(client: TestClient) -> None:
    body = alarm_check(client, encode(wall(), "JPEG"))
    assert body["status"] == "unreadable"
    assert body["evidence"]["quality"]["problems"] == ["low_contrast"]


def test_alarm_check_refuses_a_file_that_is_not_a_photo(client: TestClient) -> None:
    response = client.post("/api/v1/alarm-check", files={"image": ("a.txt", b"BLOW F92", "text/plain")})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_format"


def test_replica_check_cites_stored_alarm_check(client: TestClient, blow_f92: dict) -> None:
    body = {"typology": "pistolet_semi_auto_moderne", "ammunition": "cartridges", "alarm_check_id": blow_f92["id"]}
    response = client.post("/api/v1/replica-check", json=body)
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["verdict"] == "listed_alarm_gun"
    assert verdict["categories"] == ["C"]
    assert verdict["markings"]["alarm_check_id"] == blow_f92["id"]
    assert verdict["id"]


def test_replica_check_pellets_gives_replica(client: TestClient) -> None:
    body = {"typology": "semi_auto_style_militaire_autre", "ammunition": "pellets", "markings_text": "6mm BB 0.5J"}
    verdict = client.post("/api/v1/replica-check", json=body).json()
    assert verdict["verdict"] == "replica"
    assert verdict["categories"] == ["not_classified"]
    assert len(verdict["warnings"]) == 1


def test_replica_question_for_typology(client: TestClient) -> None:
    response = client.get("/api/v1/replica-check/revolver")
    assert response.status_code == 200
    assert [answer["key"] for answer in response.json()["answers"]] == ["cartridges", "pellets", "unknown"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"typology": "revolver", "ammunition": "cartridges", "alarm_check_id": "unknown"}, 404, "unknown_alarm_check"),
        (
            {"typology": "revolver", "ammunition": "cartridges", "alarm_check_id": "x", "markings_text": "BLOW F92"},
            400,
            "invalid_request",
        ),
        ({"typology": "revolver", "ammunition": "bullets"}, 422, "invalid_request"),
        ({"typology": "revolver"}, 422, "missing_field"),
        ({"typology": "epaule_mecanisme_ancien", "ammunition": "pellets"}, 400, "no_replica_check"),
        ({"typology": "bazooka", "ammunition": "pellets"}, 404, "unknown_typology"),
    ],
)
def test_replica_check_refuses_bad_request(client: TestClient, body: dict, status: int, code: str) -> None:
    response = client.post("/api/v1/replica-check", json=body)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
