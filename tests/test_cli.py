"""`basegun identify` from the command line, on the real photos."""

from __future__ import annotations

import json
from pathlib import Path

from tests.calls import basegun_cli
from tests.images import skimage_photo, wall


def test_identify_json_names_every_typology_photo(photos: Path, labels: list[dict]) -> None:
    rows = [r for r in labels if r["kind"] == "typology"]
    result = basegun_cli("identify", "--json", *(str(photos / r["path"]) for r in rows))
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["typology"]["key"] for a in answers] == [r["expected"] for r in rows]
    assert all(a["legal"]["notice"]["fr"] for a in answers)


def test_identify_table_reports_bad_file_and_goes_on(photos: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    result = basegun_cli("identify", str(bad), str(photos / "typology" / "revolver.jpg"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "unsupported_format" in lines[0]
    assert "Revolver" in lines[1]


def test_identify_table_shows_the_three_presence_answers(photos: Path, tmp_path: Path) -> None:
    coins, wall_photo = tmp_path / "coins.jpg", tmp_path / "wall.jpg"
    skimage_photo("coins.png").convert("RGB").save(coins, quality=90)  # coins: uncertain, never "detected"
    wall().save(wall_photo, quality=90)
    result = basegun_cli("identify", str(photos / "typology" / "revolver.jpg"), str(coins), str(wall_photo))
    assert result.returncode == 0, result.stderr
    revolver, uncertain, absent = result.stdout.splitlines()
    assert "Revolver" in revolver
    assert "uncertain" not in revolver
    assert "firearm uncertain: take the photo again" in uncertain
    assert absent.endswith("no firearm found")
