"""The web app's files, checked without a browser: size budget, offline cache list, texts, page rules."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from basegun.settings import REPO_ROOT

FRONTEND = REPO_ROOT / "frontend"
# The pages' own JavaScript and CSS (the phone app's and the Station page's), uncompressed: 150 KiB until the Station
# page gained its markings editor and cancel button (issue 25).
BUDGET_BYTES = 155 * 1024


def app_files() -> list[Path]:
    return sorted(p for p in FRONTEND.rglob("*") if p.is_file())


def code_files() -> list[Path]:
    return [p for p in app_files() if p.suffix in (".js", ".css") and p.name != "sw.js"]


def keys(tree: Any, prefix: str = "") -> set[str]:
    if isinstance(tree, dict):
        return set().union(*(keys(value, f"{prefix}{name}.") for name, value in tree.items()))
    return {prefix.rstrip(".")}


def locale(lang: str) -> dict[str, Any]:
    return json.loads((FRONTEND / "locales" / f"{lang}.json").read_text(encoding="utf-8"))


def test_measure_code_size_within_budget() -> None:
    total = sum(p.stat().st_size for p in code_files())
    assert 0 < total < BUDGET_BYTES, f"JS + CSS is {total} bytes, over the {BUDGET_BYTES} budget"


def test_service_worker_caches_every_app_file() -> None:
    shell = set(re.findall(r'^\s*"([^"]+)",$', (FRONTEND / "sw.js").read_text(encoding="utf-8"), flags=re.M))
    needed = {
        str(p.relative_to(FRONTEND))
        for p in app_files()
        if p.suffix in (".js", ".css", ".json", ".html", ".webmanifest", ".svg") and p.name != "sw.js"
    }
    assert needed - shell == set(), "files the app needs offline but sw.js does not cache"
    assert {path for path in shell - needed if path != "./" and not (FRONTEND / path).is_file()} == set()


def value(tree: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        tree = tree[part]
    return tree


def test_compare_locales_same_keys() -> None:
    fr, en = locale("fr"), locale("en")
    assert keys(fr) == keys(en)
    for key in keys(fr):
        french, english = value(fr, key), value(en, key)
        assert type(french) is type(english), key
        assert french, f"empty text: {key}"
        assert english, f"empty text: {key}"
        if isinstance(french, list):
            assert len(french) == len(english), key
            assert all(french), f"empty item in {key}"
            assert all(english), f"empty item in {key}"
        if isinstance(french, str):
            placeholders = set(re.findall(r"\{(\w+)\}", french))
            assert placeholders == set(re.findall(r"\{(\w+)\}", english)), f"placeholders differ: {key}"


def test_find_every_text_key_in_locales() -> None:
    known = keys(locale("fr"))
    sources = [p.read_text(encoding="utf-8") for p in FRONTEND.rglob("*.js")]
    sources += [(FRONTEND / page).read_text(encoding="utf-8") for page in ("index.html", "station.html")]
    used = set()
    for source in sources:
        used |= set(re.findall(r'\bt\("([a-z_]+(?:\.[a-z_]+)+)"', source))
        used |= set(re.findall(r'data-text="([a-z_.]+)"', source))
    assert used, "no text keys found: the pattern no longer matches the code"
    missing = {key for key in used if key not in known and not any(k.startswith(key + ".") for k in known)}
    assert missing == set()


def test_station_page_speaks_through_the_app_modules() -> None:
    """The station page has no words of its own in code: its texts are the locales', its calls api.js's."""
    source = (FRONTEND / "station.js").read_text(encoding="utf-8")
    imported = set(re.findall(r'from "\./js/(\w+)\.js"', source))
    assert {"api", "dom", "i18n"} <= imported
    french = re.findall(r'"[^"\n]*[àâçéèêëîïôûùœ][^"\n]*"', source)
    assert french == [], "words written in station.js instead of locales/"
    assert "XMLHttpRequest" not in source
    assert "fetch(" not in source


def test_read_index_allows_zoom_and_holds_no_inline_code() -> None:
    html = (FRONTEND / "index.html").read_text(encoding="utf-8")
    viewport = re.search(r'<meta name="viewport" content="([^"]+)"', html)
    assert viewport
    assert "maximum-scale" not in viewport[1]
    assert "user-scalable" not in viewport[1]
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html
    assert "<style" not in html
    assert re.search(r"<html lang=\"fr\">", html)


def test_read_scripts_build_nodes_without_html_or_inline_styles() -> None:
    for path in FRONTEND.rglob("*.js"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", ".style.", 'setAttribute("style"', "eval("):
            assert forbidden not in source, f"{path.relative_to(FRONTEND)} uses {forbidden}"
