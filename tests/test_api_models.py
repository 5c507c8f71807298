"""The typology model and its manifest, served for identifying in the browser without a network."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.calls import app_client

MANIFEST = "/api/v1/models/typology.json"
ONNX = "/api/v1/models/typology.onnx"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with app_client(tmp_path_factory.mktemp("models-data")) as test_client:
        yield test_client


def test_manifest_is_the_served_models_with_resolved_preprocessing(client: TestClient) -> None:
    response = client.get(MANIFEST)
    assert response.status_code == 200
    served = response.json()
    typology = client.app.state.service.models.typology  # type: ignore[attr-defined]
    manifest = typology.session.manifest
    assert served["sha256"] == manifest.sha256
    assert served["classes"] == list(manifest.classes)
    assert served["thresholds"] == manifest.thresholds
    # Defaults the manifest file leaves out are filled in: the browser repeats none of them by hand.
    assert served["preprocessing"]["pad_value"] == list(manifest.preprocessing.pad_value)
    assert served["preprocessing"]["resize"] == manifest.preprocessing.resize
    detail = client.app.state.service.assessor.detail  # type: ignore[attr-defined]
    assert served["decode"]["jpeg_draft"] == {
        "min_short_side": detail.min_short_side,
        "min_long_side": detail.min_long_side,
    }
    assert response.headers["cache-control"] == "no-cache"


def test_model_bytes_match_the_manifest_sha256_and_etag(client: TestClient) -> None:
    sha256 = client.get(MANIFEST).json()["sha256"]
    response = client.get(ONNX)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sha256
    assert response.headers["etag"] == f'"{sha256}"'
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", [MANIFEST, ONNX])
def test_unchanged_copy_is_answered_304_without_a_body(client: TestClient, path: str) -> None:
    etag = client.get(path).headers["etag"]
    again = client.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get(path, headers={"if-none-match": '"0000"'})
    assert stale.status_code == 200
    assert stale.content


def test_csp_allows_webassembly_and_no_remote_origin(client: TestClient) -> None:
    csp = client.get("/").headers["content-security-policy"]
    script = next(part.strip() for part in csp.split(";") if part.strip().startswith("script-src"))
    assert script == "script-src 'self' 'wasm-unsafe-eval'"
    assert "unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", "")
    assert "http" not in csp
