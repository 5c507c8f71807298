"""Names no one expects (superscript digits, circled numbers, other scripts' digits, decomposed accents, emoji,
right-to-left marks): the CLI, the API and archives take them as names, and never answer a 500."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from basegun.batch.intake import group
from tests.calls import app_client, basegun_cli, finished
from tests.images import encode, wall

# '²' and '①' pass str.isdigit() but not int(); '٣' is an Arabic-Indic three; 'é' decomposed; a right-to-left
# override; an emoji; a name that is only digits.
ODD = ["x1²", "arme ①", "٣ fusil", "e\u0301pée 2", "arme 10", "\u202egpj.exe", "🔫 1", "2"]


def photo() -> bytes:
    return encode(wall(240, 180), "JPEG")


def test_natural_order_counts_only_ascii_digits() -> None:
    weapons = group((Path(name), Path("/dev/null")) for name in [*ODD, "arme 9"])  # type: ignore[misc]
    names = [weapon.name for weapon in weapons]
    assert sorted(names) == sorted([*ODD, "arme 9"])
    assert names.index("arme 9") < names.index("arme 10")  # numbers as a person reads them


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with app_client(tmp_path_factory.mktemp("odd-data")) as test_client:
        yield test_client


def test_batch_upload_with_odd_names(client: TestClient) -> None:
    data = photo()
    files = [("images", (f"{name}.jpg", data, "image/jpeg")) for name in ODD]
    response = client.post("/api/v1/batches", files=files, data={"name": "x1² ①"})
    assert response.status_code == 202, response.text
    batch = finished(client, response.json()["id"])
    assert batch["status"] == "finished"
    assert sorted(w["name"] for w in batch["weapons"]) == sorted(f"{name}.jpg" for name in ODD)
    assert client.get(batch["reports"]["report.csv"]).status_code == 200


def test_batch_zip_with_odd_names(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ODD:
            archive.writestr(f"{name}/vue.jpg", photo())
    response = client.post("/api/v1/batches", files={"archive": ("x1².zip", buffer.getvalue(), "application/zip")})
    assert response.status_code == 202, response.text
    batch = finished(client, response.json()["id"])
    assert sorted(w["name"] for w in batch["weapons"]) == sorted(ODD)


def test_triage_cli_with_odd_names(tmp_path: Path) -> None:
    seizure = tmp_path / "saisie x1²"
    for name in ODD:
        (seizure / name).mkdir(parents=True)
        (seizure / name / "vue.jpg").write_bytes(photo())
    out = tmp_path / "rapport"
    result = basegun_cli("triage", str(seizure), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{len(ODD)} weapons" in result.stdout
    assert (out / "report.csv").is_file()
