"""The API's contract: the OpenAPI document names every field of every answer and every error a route may give, the
service keeps to it (schemathesis against a live `basegun serve`), and the identification's JSON Schema is served."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from basegun.answering.answer_models import identification_schema
from basegun.settings import Settings
from tests.conftest import LiveServer

# Answers whose body is a document of its own, not a Basegun answer: free-form by nature.
FREE_FORM = {
    ("get", "/api/v1/schemas/identification.json"),  # a JSON Schema
    ("get", "/api/v1/models/typology.json"),  # the model's manifest, as shipped beside it
    ("get", "/api/v1/batches/{batch_id}/{report}"),  # the report files
}
JSON_TYPES = ("application/json", "application/problem+json")


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document as the app builds it (no model is loaded for it)."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("openapi"))).openapi()


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def unnamed(document: dict[str, Any], schema: dict[str, Any], where: str, seen: set[str]) -> Iterator[str]:
    """Every place under `schema` where an object's fields are not named: no properties, and no typed values."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return
        seen.add(name)
    schema = resolve(document, schema)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for index, part in enumerate(schema.get(key, [])):
            yield from unnamed(document, part, f"{where}/{key}[{index}]", seen)
    if "items" in schema and isinstance(schema["items"], dict):
        yield from unnamed(document, schema["items"], f"{where}[]", seen)
    if schema.get("type") == "object" or "properties" in schema:
        values = schema.get("additionalProperties")
        if not schema.get("properties") and not isinstance(values, dict):
            yield where
        for name, field in schema.get("properties", {}).items():
            yield from unnamed(document, field, f"{where}.{name}", seen)
        if isinstance(values, dict):
            yield from unnamed(document, values, f"{where}{{}}", seen)


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def test_openapi_names_every_field_of_every_answer(openapi: dict[str, Any]) -> None:
    found = []
    for method, path, operation in operations(openapi):
        for status, response in operation["responses"].items():
            for media_type, content in response.get("content", {}).items():
                if media_type in JSON_TYPES and (method, path) not in FREE_FORM:
                    found += unnamed(openapi, content["schema"], f"{method} {path} {status}", set())
    assert found == []


def test_every_answer_is_a_named_model(openapi: dict[str, Any]) -> None:
    """A route's success answer is a model of its own (`$ref`), so that clients and docs can name it."""
    anonymous = []
    for method, path, operation in operations(openapi):
        success = next(response for status, response in operation["responses"].items() if status.startswith("2"))
        schema = success.get("content", {}).get("application/json", {}).get("schema")
        if schema is not None and (method, path) not in FREE_FORM and "$ref" not in schema:
            anonymous.append(f"{method} {path}")
    assert anonymous == []


def test_every_api_route_documents_its_errors_as_problems(openapi: dict[str, Any]) -> None:
    """Each route lists the problems it may answer: a POST those of the guards in front of it (cross-site, body
    limit, rate limit, validation); every other API route at least one, but those that cannot fail."""
    cannot_fail = {"/api/v1/schemas/identification.json", "/api/v1/version"}
    missing = []
    for method, path, operation in operations(openapi):
        problems = {
            status
            for status, response in operation["responses"].items()
            if status[0] in "45" and set(response.get("content", {})) == {"application/problem+json"}
        }
        wanted = {"403", "413", "422", "429"} if method == "post" else set()
        if not wanted <= problems or (path.startswith("/api/") and not problems and path not in cannot_fail):
            missing.append(f"{method} {path}: {sorted(problems)}")
    assert missing == []
    identify = openapi["paths"]["/api/v1/identify"]["post"]["responses"]
    assert {"400", "413", "415", "422", "503"} <= set(identify)
    assert "unsupported_format" in identify["415"]["description"]
    examples = identify["415"]["content"]["application/problem+json"]["examples"]
    assert examples["unsupported_format"]["value"]["status"] == 415


def test_a_wrong_method_on_an_api_path_is_405_allowing_the_right_one(tmp_path: Path) -> None:
    """The web app's files are mounted at `/`: without care they would answer GET on an API path with 404."""
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        for method, path, allowed in (
            ("GET", "/api/v1/identify", "POST"),
            ("DELETE", "/api/v1/identify", "POST"),
            ("OPTIONS", "/api/v1/expert-requests", "GET, POST"),
            ("PUT", "/api/v1/typologies/revolver", "GET"),
        ):
            response = client.request(method, path)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == allowed, (method, path)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["code"] == "method_not_allowed"
        assert client.get("/api/v1/nothing-here").status_code == 404


def test_identification_schema_is_served_and_refuses_a_broken_answer(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        served = client.get("/api/v1/schemas/identification.json")
        assert served.status_code == 200
        assert served.json() == identification_schema()
        validator = jsonschema_rs.validator_for(served.json())
        answer = client.post("/api/v1/identify", files={"image": ("wall.png", _photo())}).json()
        assert answer["firearm_presence"] == "absent"
        assert validator.is_valid(answer), list(validator.iter_errors(answer))
        assert not validator.is_valid({key: value for key, value in answer.items() if key != "advice"})
        assert not validator.is_valid({**answer, "firearm_presence": "maybe"})


def _photo() -> bytes:
    from tests.images import encode, wall

    return encode(wall(), "PNG")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own: schemathesis stores what it sends (identifications, feedback) in its data folder."""
    server = LiveServer(tmp_path_factory.mktemp("schemathesis"))
    server.start()
    yield server
    server.stop()


def test_schemathesis_finds_no_undocumented_answer_and_no_server_error(server: LiveServer, tmp_path: Path) -> None:
    """Every check but the acceptance of schema-valid bodies (random bytes the schema allows are not photos, and are
    rightly refused); a few examples per operation, bounded in time."""
    assert httpx.get(f"{server.url}/openapi.json", timeout=10).status_code == 200
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--max-examples",
        "5",
        "--phases",
        "examples,coverage,fuzzing",
        "--generation-deterministic",
        "--request-timeout",
        "30",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=420, cwd=tmp_path)  # its files go there
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "failures" not in run.stdout.rsplit("====", 2)[-1]
