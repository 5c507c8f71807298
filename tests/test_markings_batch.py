"""Batch triage reads a weapon's close-ups of markings (`…_marquage.jpg`): the reports' maker, model, calibre and
serial columns, each marked read or typed; `basegun triage` writes them, and the same writer marks a typed field."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from basegun.answering.markings.closeups import closeups, is_closeup
from basegun.answering.markings.confirmed import corrected
from basegun.batch.answer_models import BatchReport
from basegun.batch.report import render_reports
from basegun.settings import REPO_ROOT


def test_closeups_are_named_so() -> None:
    assert is_closeup("arme 3/arme3_marquage.jpg")
    assert is_closeup("P1_MARKINGS.PNG")
    assert not is_closeup("arme3_gauche.jpg")
    assert not is_closeup("marquage/arme3.jpg")
    assert closeups([f"a{i}_marquage.jpg" for i in range(6)]) == [f"a{i}_marquage.jpg" for i in range(4)]


@pytest.fixture(scope="module")
def reports(photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seizure of two weapons: a pistol with a close-up of its markings, a revolver without one."""
    seizure = tmp_path_factory.mktemp("seizure") / "saisie"
    pistol, revolver = seizure / "pistolet 1", seizure / "revolver 2"
    pistol.mkdir(parents=True)
    revolver.mkdir()
    (pistol / "pistolet1.jpg").write_bytes((photos / "typology" / "pistolet_semi_auto.jpg").read_bytes())
    (pistol / "pistolet1_marquage.jpg").write_bytes((photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes())
    (revolver / "revolver2.jpg").write_bytes((photos / "typology" / "revolver.jpg").read_bytes())
    out = tmp_path_factory.mktemp("reports")
    result = subprocess.run(
        [sys.executable, "-m", "cli", "triage", str(seizure), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "2203704" not in result.stdout + result.stderr  # a serial number is never printed
    return out


def test_triage_reads_the_markings_close_up(reports: Path) -> None:
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    weapons = {w["name"]: w for w in report["weapons"]}
    markings = weapons["pistolet 1"]["markings"]
    assert markings["photos"] == ["pistolet 1/pistolet1_marquage.jpg"]
    assert markings["maker"]["value"] == "Blow"
    assert (markings["model"]["value"], markings["model"]["source"]) == ("F92", "read")
    assert markings["calibre"]["value"] == "9 mm P.A.K."
    assert markings["listed_alarm_model"]
    assert weapons["revolver 2"]["markings"] is None


def test_triage_csv_and_html_carry_the_markings_columns(reports: Path) -> None:
    with (reports / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["weapon"]: row for row in csv.DictReader(handle, delimiter=";") if row["row"] == "weapon"}
    pistol = rows["pistolet 1"]
    assert (pistol["maker"], pistol["maker_source"]) == ("Blow", "read")
    assert (pistol["model"], pistol["calibre"], pistol["calibre_source"]) == ("F92", "9 mm P.A.K.", "read")
    assert pistol["serial_number"].endswith("2203704")
    assert (rows["revolver 2"]["maker"], rows["revolver 2"]["maker_source"]) == ("", "")
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert "Fabricant : Blow" in html
    assert "(lu)" in html


def test_reports_mark_the_fields_a_person_typed(reports: Path) -> None:
    """The writer of `basegun triage`'s reports (and the API's): a field corrected over the one read is marked typed in
    the three, the others read; what was read is kept beside it."""
    report = BatchReport.model_validate_json((reports / "report.json").read_text(encoding="utf-8"))
    pistol = next(weapon for weapon in report.weapons if weapon.name == "pistolet 1")
    markings = corrected(pistol.markings, {"model": "F92 Auto", "serial_number": "ZX 1"})
    weapons = [w.model_copy(update={"markings": markings}) if w is pistol else w for w in report.weapons]
    rendered = render_reports(report.model_copy(update={"weapons": weapons}), {})
    document = json.loads(rendered["report.json"])
    model = next(w for w in document["weapons"] if w["name"] == "pistolet 1")["markings"]["model"]
    assert (model["value"], model["source"], model["read"]) == ("F92 Auto", "typed", "F92")
    text = rendered["report.csv"].decode("utf-8-sig")
    rows = {row["weapon"]: row for row in csv.DictReader(text.splitlines(), delimiter=";") if row["row"] == "weapon"}
    assert (rows["pistolet 1"]["model"], rows["pistolet 1"]["model_source"]) == ("F92 Auto", "typed")
    assert (rows["pistolet 1"]["serial_number"], rows["pistolet 1"]["serial_number_source"]) == ("ZX 1", "typed")
    assert (rows["pistolet 1"]["maker"], rows["pistolet 1"]["maker_source"]) == ("Blow", "read")
    html = rendered["report.html"].decode("utf-8")
    assert 'Modèle : F92 Auto <span class="small">(saisi)</span>' in html
    assert 'Fabricant : Blow <span class="small">(lu)</span>' in html
