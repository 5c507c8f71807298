"""Batch triage in a real browser: the Station page sends a seizure; its report renders on screen and in print."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.browser.conftest import App

pytestmark = pytest.mark.browser


def seizure_zip(photos: Path, labels: list[dict[str, str]], folder: Path) -> Path:
    """A small seizure: four weapons of one photo each, one weapon in two photos, and a text file."""
    rows = [r for r in labels if r["kind"] == "typology"][:4]
    path = folder / "saisie 2024-118.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for row in rows:
            archive.write(photos / row["path"], Path(row["path"]).name)
        archive.write(photos / "measure/levier.jpg", "arme levier/gauche.jpg")
        archive.write(photos / "typology/levier_sous_garde.jpg", "arme levier/détail.jpg")
        archive.writestr("procès-verbal.txt", "PV de saisie")
    path.write_bytes(buffer.getvalue())
    return path


def test_station_sends_a_seizure_and_prints_its_report(
    app: App, photos: Path, labels: list[dict[str, str]], tmp_path: Path, live_server: Any
) -> None:
    page = app.page
    app.open_station()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trier une saisie")
    app.shot("triage-01-station")

    zipped = seizure_zip(photos, labels, tmp_path)
    app.send_seizure("pick-zip", zipped, re.compile("saisie 2024-118.zip"), name="Saisie 2024-118")

    expect(page.get_by_role("heading", name="Rapport prêt", level=3)).to_be_focused(timeout=300_000)
    rows = page.locator("table.weapons tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#skipped")).to_contain_text("procès-verbal.txt")
    app.shot("triage-02-station-done")

    link = page.get_by_role("link", name="Ouvrir le rapport à imprimer")
    expect(link).to_have_attribute("target", "_blank")
    page.goto(link.evaluate("a => a.href"))  # in this tab, where the app fixture catches console (CSP) errors
    expect(page.get_by_role("heading", level=1)).to_have_text("Basegun : rapport de tri des armes saisies")
    expect(page.locator("table.weapons tbody tr")).to_have_count(5)
    expect(page.locator("td.thumb img")).to_have_count(5)
    expect(page.locator("main")).to_contain_text("procès-verbal.txt")
    # Styled through the linked report.css: the service's Content-Security-Policy refuses inline styles.
    expect(page.locator("h1")).to_have_css("color", "rgb(0, 0, 145)")
    app.shot("triage-03-report")
    page.emulate_media(media="print")
    expect(page.locator(".hint")).to_be_hidden()
    app.shot("triage-04-report-print")
    pdf = tmp_path / "rapport.pdf"
    page.pdf(path=pdf, format="A4", landscape=True)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_station_sends_a_folder_grouped_by_weapon(app: App, photos: Path, tmp_path: Path, live_server: Any) -> None:
    """A chosen folder is the seizure: its sub-folders are weapons, a photo at its top a weapon of its own."""
    seizure = tmp_path / "saisie"
    (seizure / "arme 1").mkdir(parents=True)
    for name in ("gauche.jpg", "droite.jpg"):
        (seizure / "arme 1" / name).write_bytes((photos / "typology/revolver.jpg").read_bytes())
    (seizure / "pistolet.jpg").write_bytes((photos / "typology/pistolet_semi_auto.jpg").read_bytes())
    page = app.page
    app.open_station()
    app.send_seizure("pick-folder", seizure, "3 fichier(s) choisi(s), soit 2 arme(s).")
    expect(page.get_by_role("heading", name="Rapport prêt", level=3)).to_be_focused(timeout=300_000)
    rows = page.locator("table.weapons tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("arme 1")
    expect(rows.nth(0)).to_contain_text("Revolver")
    expect(rows.nth(0)).to_contain_text("2 photo(s) sur 2 concordent")
    expect(rows.nth(1)).to_contain_text("pistolet.jpg")
