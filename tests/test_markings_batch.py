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
from basegun.batch.typed_fields import read_typed_fields
from basegun.settings import REPO_ROOT


def test_closeups_are_named_so() -> None:
    assert is_closeup("arme 3/arme3_marquage.jpg")
    assert is_closeup("P1_MARKINGS.PNG")
    assert not is_closeup("arme3_gauche.jpg")
    assert not is_closeup("marquage/arme3.jpg")
    assert closeups([f"a{i}_marquage.jpg" for i in range(6)]) == [f"a{i}_marquage.jpg" for i in range(4)]


def triage(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cli", "triage", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=600)


@pytest.fixture(scope="module")
def seizure(photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seizure of two weapons: a pistol with a close-up of its markings, a revolver without one."""
    seizure = tmp_path_factory.mktemp("seizure") / "saisie"
    pistol, revolver = seizure / "pistolet 1", seizure / "revolver 2"
    pistol.mkdir(parents=True)
    revolver.mkdir()
    (pistol / "pistolet1.jpg").write_bytes((photos / "typology" / "pistolet_semi_auto.jpg").read_bytes())
    (pistol / "pistolet1_marquage.jpg").write_bytes((photos / "alarm" / "alarm_gun_blow_f92.jpg").read_bytes())
    (revolver / "revolver2.jpg").write_bytes((photos / "typology" / "revolver.jpg").read_bytes())
    return seizure


@pytest.fixture(scope="module")
def reports(seizure: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = triage(str(seizure), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2203704" not in result.stdout + result.stderr  # a serial number is never printed
    return out


def csv_weapons(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["weapon"]: row for row in csv.DictReader(handle, delimiter=";") if row["row"] == "weapon"}


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
    rows = csv_weapons(reports / "report.csv")
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


def test_triage_takes_the_fields_typed_in_its_own_report_csv(
    reports: Path, seizure: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The station corrects the report's four columns in a spreadsheet and runs the triage again with it: a changed
    cell is typed, an unchanged one stays read, an emptied one is cleared."""
    with (reports / "report.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for row in rows:
        if row["weapon"] == "pistolet 1":
            row.update(model="F92 Auto", calibre="")
        elif row["weapon"] == "revolver 2":
            row.update(maker="Manurhin", model="MR 73", serial_number="ZX 998877")
    fields = tmp_path_factory.mktemp("typed") / "corrigé.csv"
    with fields.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path_factory.mktemp("typed-reports")
    result = triage(str(seizure), "--out", str(out), "--fields", str(fields))
    assert result.returncode == 0, result.stderr
    assert "998877" not in result.stdout + result.stderr
    typed = csv_weapons(out / "report.csv")
    pistol, revolver = typed["pistolet 1"], typed["revolver 2"]
    assert (pistol["maker"], pistol["maker_source"]) == ("Blow", "read")
    assert (pistol["model"], pistol["model_source"]) == ("F92 Auto", "typed")
    assert pistol["calibre"] == ""
    assert pistol["serial_number"].endswith("2203704")
    assert (pistol["serial_number_source"]) == "read"
    assert (revolver["maker"], revolver["maker_source"], revolver["model"]) == ("Manurhin", "typed", "MR 73")
    assert (revolver["serial_number"], revolver["serial_number_source"]) == ("ZX 998877", "typed")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    markings = next(w for w in report["weapons"] if w["name"] == "pistolet 1")["markings"]
    assert (markings["model"]["value"], markings["model"]["source"], markings["model"]["read"]) == (
        "F92 Auto",
        "typed",
        "F92",
    )
    assert (markings["calibre"]["value"], markings["calibre"]["source"], markings["calibre"]["read"]) == (
        None,
        "typed",
        "9 mm P.A.K.",
    )
    assert 'Modèle : F92 Auto <span class="small">(saisi)</span>' in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("weapon;maker\nfusil 9;Verney-Carron\n", "unknown_weapon"),  # no such weapon in the folder
        ("arme;fabricant\npistolet 1;Blow\n", "bad_fields_file"),  # not the report's columns
        ("weapon;maker\npistolet 1;Blow\npistolet 1;Beretta\n", "bad_fields_file"),  # a weapon twice
        (b"weapon;maker\npistolet 1;\xff\n", "bad_fields_file"),  # not UTF-8
    ],
)
def test_triage_refuses_a_fields_file_it_cannot_use_before_analysing(
    seizure: Path, tmp_path: Path, content: str | bytes, code: str
) -> None:
    fields = tmp_path / "fields.csv"
    if isinstance(content, bytes):
        fields.write_bytes(content)
    else:
        fields.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = triage(str(seizure), "--out", str(out), "--fields", str(fields))
    assert result.returncode == 2
    assert f"basegun: {code}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()  # nothing analysed, nothing written


def test_a_fields_file_reads_as_the_station_wrote_it(tmp_path: Path) -> None:
    """Comma-separated as well; the report's apostrophe before a formula-like cell is taken off; spaces squeezed."""
    fields = tmp_path / "fields.csv"
    fields.write_text("weapon,serial_number,model\nfusil 3,'-1234, Robust  222 \n", encoding="utf-8-sig")
    assert read_typed_fields(fields) == {"fusil 3": {"serial_number": "-1234", "model": "Robust 222"}}
