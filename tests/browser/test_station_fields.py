"""The Station page, after the analysis: a weapon's close-up read, its fields corrected or typed, the report marking
each typed; a batch cancelled from the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.browser.conftest import App

pytestmark = pytest.mark.browser


def seizure(photos: Path, folder: Path) -> Path:
    """A pistol with a close-up of its markings (a Blow F92), a revolver without one."""
    root = folder / "saisie"
    for name, source in (
        ("pistolet 1/pistolet1.jpg", "typology/pistolet_semi_auto.jpg"),
        ("pistolet 1/pistolet1_marquage.jpg", "alarm/alarm_gun_blow_f92.jpg"),
        ("revolver 2/revolver2.jpg", "typology/revolver.jpg"),
    ):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes((photos / source).read_bytes())
    return root


def test_station_reads_a_close_up_and_the_report_marks_the_typed_fields(
    app: App, photos: Path, texts: dict[str, Any], tmp_path: Path
) -> None:
    fr, station = texts["fr"], texts["fr"]["station"]
    labels = fr["markings"]["field"]
    page = app.page
    app.open_station()
    app.send_seizure("pick-folder", seizure(photos, tmp_path), "3 fichier(s) choisi(s), soit 2 arme(s).")
    expect(page.get_by_role("heading", name=station["report_title"], level=3)).to_be_focused(timeout=300_000)
    rows = page.locator("table.weapons tbody tr")
    expect(rows.nth(0)).to_contain_text("Fabricant : Blow (lu)")  # read from the close-up named so
    expect(rows.nth(1)).to_contain_text(fr["markings"]["not_read"])

    # The pistol: its close-up, picked among the photos sent, read again; the model corrected, the serial typed.
    page.get_by_role("button", name="Vérifier les inscriptions de « pistolet 1 »").click()
    expect(page.get_by_role("heading", name="Inscriptions de « pistolet 1 »", level=2)).to_be_focused()
    chosen = page.get_by_label(station["closeup_sent"]).locator("option:checked")
    expect(chosen).to_have_text("pistolet 1/pistolet1_marquage.jpg")  # the one named so is offered first
    page.get_by_role("button", name=station["read_closeup"]).click()
    expect(page.locator("#reading-status")).to_have_text(
        "Inscriptions lues sur « pistolet 1/pistolet1_marquage.jpg » : vérifiez chaque champ."
    )
    expect(page.locator("#closeup-figure .markings-boxes .box")).not_to_have_count(0)
    maker, model = page.get_by_label(labels["maker"]), page.get_by_label(labels["model"])
    expect(maker).to_have_value("Blow")
    expect(model).to_have_value("F92")
    model.fill("F92 Auto")
    page.get_by_label(labels["serial_number"]).fill("ZX 998877")
    app.shot("station-fields-01-pistol")
    page.get_by_role("button", name=station["save_fields"]).click()
    expect(page.locator("#fields-status")).to_have_text("Champs confirmés : 2 tels que lus, 2 saisis ou corrigés.")
    expect(rows.nth(0)).to_contain_text("Modèle : F92 Auto (saisi)")
    expect(rows.nth(0)).to_contain_text("Numéro de série : ZX 998877 (saisi)")

    # The revolver: nothing read, its maker typed without a close-up.
    page.get_by_role("button", name=station["close_editor"]).click()
    page.get_by_role("button", name="Vérifier les inscriptions de « revolver 2 »").click()
    expect(page.get_by_role("heading", name="Inscriptions de « revolver 2 »", level=2)).to_be_focused()
    expect(page.get_by_label(labels["maker"])).to_have_value("")
    page.get_by_label(labels["maker"]).fill("Manurhin")
    page.get_by_role("button", name=station["save_fields"]).click()
    expect(rows.nth(1)).to_contain_text("Fabricant : Manurhin (saisi)")
    app.shot("station-fields-02-revolver")

    link = page.get_by_role("link", name=station["report_html"])
    page.goto(link.evaluate("a => a.href"))  # in this tab, where the app fixture catches console (CSP) errors
    weapons = page.locator("table.weapons tbody tr")
    expect(weapons.nth(0)).to_contain_text("Fabricant : Blow (lu)")
    expect(weapons.nth(0)).to_contain_text("Modèle : F92 Auto (saisi)")
    expect(weapons.nth(0)).to_contain_text("Calibre : 9 mm P.A.K. (lu)")
    expect(weapons.nth(0)).to_contain_text("N° de série : ZX 998877 (saisi)")
    expect(weapons.nth(1)).to_contain_text("Fabricant : Manurhin (saisi)")
    app.shot("station-fields-03-report")


def test_station_cancels_a_batch(app: App, photos: Path, texts: dict[str, Any], tmp_path: Path) -> None:
    """Cancelled while it runs: the weapons under way finish, the page says the batch was cancelled, in both
    languages."""
    station = texts["fr"]["station"]
    folder = tmp_path / "saisie"
    folder.mkdir()
    photo = (photos / "typology/revolver.jpg").read_bytes()
    for i in range(40):
        (folder / f"arme {i:02d}.jpg").write_bytes(photo)
    page = app.page
    app.open_station()
    app.send_seizure("pick-folder", folder, "40 fichier(s) choisi(s), soit 40 arme(s).")
    cancel = page.get_by_role("button", name=station["cancel"])
    cancel.click()
    expect(page.get_by_role("heading", name=station["cancelled_title"], level=2)).to_be_visible(timeout=300_000)
    expect(page.locator("#progress-text")).to_have_text(station["cancelled"])
    expect(cancel).to_be_hidden()
    expect(page.locator("#batch-error")).to_be_hidden()
    expect(page.locator("table.weapons tbody tr")).not_to_have_count(40)
    app.shot("station-cancelled")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=texts["en"]["station"]["cancelled_title"], level=2)).to_be_visible()
    expect(page.locator("#progress-text")).to_have_text(re.compile("^Analysis cancelled"))
