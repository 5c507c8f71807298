"""`python -m benchmarks.offline`: identifying in the browser without a network, on a phone-class CPU.

Debian's Chromium runs the web app against a real `basegun serve` on loopback. Two figures:

Both committed typology networks are measured, each served in turn by its own server (`BASEGUN_TYPOLOGY_MANIFEST`):
the INT8 one the service runs by default (`typology-int8.json`) and the FP32 one (`typology.json`).

- **Time to answer offline**, with the CPU slowed four times (CDP `Emulation.setCPUThrottlingRate`), after a first
  visit has kept the model and the network is cut: photo chosen → review screen shown (the app prepares the photo),
  then "send" tapped → answer shown (decode, preprocessing, the network in WebAssembly, the answer screen). The
  first photo after the page opens is reported apart (the runtime and the model load then).
- **Agreement with the service**: the browser's probabilities on the bytes the app would upload, against the
  service's same model on the same bytes (decoded as the service decodes them), on every shared photo and a
  mirrored, smaller, recompressed copy of each typology photo.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from basegun.inference.imaging import Detail, Limits, decode
from basegun.networks.served import Models
from basegun.settings import REPO_ROOT, Settings
from benchmarks.photos import PHOTOS
from benchmarks.server import Server
from tests.browser.in_browser import derived_photo, in_browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE: ViewportSize = {"width": 360, "height": 740}
THROTTLE = 4
MODELS = ("typology-int8.json", "typology.json")  # the served default first
DEFAULT_JSON = REPO_ROOT / "var" / "benchmarks" / "offline.json"
TEXTS = json.loads((REPO_ROOT / "frontend" / "locales" / "fr.json").read_text(encoding="utf-8"))


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def heading(page: Page, text: str) -> None:
    page.locator("main h1", has_text=text).wait_for(timeout=120_000)


def offline_visit(browser: Browser, url: str) -> Page:
    """A first visit that keeps the model, then the page opened again with the network cut."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", service_workers="allow")
    page = context.new_page()
    page.goto(f"{url}/#/")
    page.get_by_role("button", name=TEXTS["role"]["police"]).click()
    page.locator("#offline-model", has_text=TEXTS["offline"]["status_ready"]).wait_for(timeout=300_000)
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    for attempt in range(3):  # headless Chromium may skip a worker just started (see tests/browser/test_webapp.py)
        try:
            page.reload()
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            page.wait_for_timeout(1000)
    page.wait_for_selector("body[data-ready]")
    return page


def time_answers(page: Page, photos: list[Path], rounds: int) -> dict[str, Any]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
    prepare: list[float] = []
    answer: list[float] = []
    total: list[float] = []
    first: tuple[float, float, float] | None = None
    for round_ in range(rounds):
        for photo in photos:
            page.evaluate("location.hash = '#/identify'")
            heading(page, TEXTS["identify"]["title"])
            started = time.perf_counter()
            page.set_input_files("#identify-file", str(photo))
            heading(page, TEXTS["identify"]["review_title"])
            reviewed = time.perf_counter()
            page.get_by_role("button", name=TEXTS["photo"]["send"]).click()
            heading(page, TEXTS["result"]["title"])
            page.locator("main", has_text=TEXTS["offline"]["answered_here"]).wait_for()
            done = time.perf_counter()
            times = (reviewed - started, done - reviewed, done - started)
            if first is None:
                first = times
                continue
            for series, value in zip((prepare, answer, total), times, strict=True):
                series.append(value)
        progress(f"round {round_ + 1}/{rounds}: median {np.median(total) * 1000:.0f} ms so far")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})

    def figures(series: list[float]) -> dict[str, float]:
        return {"median_ms": ms(float(np.median(series))), "p95_ms": ms(float(np.percentile(series, 95)))}

    return {
        "cpu_throttling": THROTTLE,
        "answers": len(total),
        "prepare": figures(prepare),
        "answer": figures(answer),
        "total": figures(total),
        "first_after_opening_ms": [round(value * 1000) for value in first] if first else None,
    }


def agreement(page: Page, models: Models, detail: Detail, samples: list[tuple[str, bytes]]) -> dict[str, Any]:
    """The browser's model against the service's on the same bytes: largest shift, same top-1, same level."""
    typology = models.typology
    deltas: list[float] = []
    same_top, same_level, worst = 0, 0, ""
    for name, data in samples:
        browser, sent = in_browser(page, name, data)
        service = typology.probabilities(decode(sent, Limits(), detail).image).astype(np.float64)
        delta = float(np.abs(browser - service).max())
        if not deltas or delta > max(deltas):
            worst = name
        deltas.append(delta)
        same_top += int(browser.argmax() == service.argmax())
        same_level += int(typology.level(float(browser.max())) == typology.level(float(service.max())))
    return {
        "photos": len(samples),
        "max_abs_prob_delta": round(max(deltas), 5),
        "median_max_abs_prob_delta": round(float(np.median(deltas)), 5),
        "worst_photo": worst,
        "same_top1": same_top,
        "same_confidence_level": same_level,
    }


def agreements(browser: Browser, url: str, models: Models, detail: Detail) -> dict[str, Any]:
    shared = sorted(p for p in PHOTOS.glob("*/*") if p.suffix.lower() in (".jpg", ".jpeg"))
    samples = [(str(p.relative_to(PHOTOS)), p.read_bytes()) for p in shared]
    samples += [(f"derived {p.relative_to(PHOTOS)}", derived_photo(p)) for p in shared if p.parent.name == "typology"]
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto(f"{url}/#/")
    page.wait_for_selector("body[data-ready]")
    progress(f"agreement: {len(samples)} photos")
    found = agreement(page, models, detail, samples)
    context.close()
    return found


def measure(browser: Browser, manifest: str, rounds: int) -> dict[str, Any]:
    """Time and agreement for one typology network, served by its own server."""
    settings = Settings(typology_manifest=manifest)
    models = Models.load(settings)
    server = Server.start({"BASEGUN_TYPOLOGY_MANIFEST": manifest})
    url = f"http://127.0.0.1:{server.port}"
    try:
        with urllib.request.urlopen(f"{url}/api/v1/models/typology.json", timeout=30) as response:
            detail = Detail(**json.load(response)["decode"]["jpeg_draft"])
        page = offline_visit(browser, url)
        progress(f"{manifest}: timing")
        timing = time_answers(page, sorted((PHOTOS / "typology").glob("*.jpg")), rounds)
        page.context.close()
        return {"timing": timing, "agreement": agreements(browser, url, models, detail)}
    finally:
        server.stop()


def markdown(figures: dict[str, Any]) -> str:
    steps = {
        "prepare": "photo chosen → review shown (photo prepared)",
        "answer": "send tapped → answer shown (in the browser)",
        "total": "**both**",
    }
    names = list(figures)
    lines = [
        f"### Identifying offline in Chromium, CPU ×{THROTTLE} slower (`python -m benchmarks.offline`)",
        "",
        "| step, median / p95 ms | " + " | ".join(f"`{name}`" for name in names) + " |",
        "|---|" + "---|" * len(names),
        *(
            f"| {label} | "
            + " | ".join(
                f"{figures[n]['timing'][step]['median_ms']} / {figures[n]['timing'][step]['p95_ms']}" for n in names
            )
            + " |"
            for step, label in steps.items()
        ),
        "| first photo after the page opened (not counted above) | "
        + " | ".join(f"{figures[n]['timing']['first_after_opening_ms']}" for n in names)
        + " |",
        "",
        "| model in the browser vs the service's | photos | max abs prob delta (median) | same top-1 | same level |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        row = figures[name]["agreement"]
        n = row["photos"]
        lines.append(
            f"| `{name}` | {n} | {row['max_abs_prob_delta']} ({row['median_max_abs_prob_delta']}; worst "
            f"{row['worst_photo']}) | {row['same_top1']}/{n} | {row['same_confidence_level']}/{n} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.offline", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the 12 typology photos (default 3)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the figures")
    args = parser.parse_args(argv)
    if not (PHOTOS / "labels.csv").is_file():
        progress(f"the shared photos are absent ({PHOTOS}): nothing to measure")
        return 1
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        figures = {manifest: measure(browser, manifest, args.rounds) for manifest in MODELS}
        browser.close()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(markdown(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
