"""The wording files, checked when read: every text in every language, no text missing or left over."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from basegun.answering.alarm import AlarmTexts
from basegun.answering.replica import ReplicaTexts
from basegun.catalog.texts import DATA_DIR, load_texts


def _written(tmp_path: Path, name: str, change: Any) -> Path:
    data = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_shipped_files_are_read() -> None:
    assert ReplicaTexts.load().warning_typologies
    assert set(AlarmTexts.load().answers) == {
        "listed_alarm_model", "blank_firing_mark", "no_alarm_marking", "no_text", "unreadable"
    }  # fmt: skip
    assert load_texts("batch_report")["levels"]["high"]["en"] == "high"


def test_a_verdict_without_its_advice_is_refused_naming_it(tmp_path: Path) -> None:
    path = _written(tmp_path, "replica_check", lambda data: data["verdicts"]["replica"].pop("advice"))
    with pytest.raises(ValueError, match=r"replica_check\.json: verdicts\.replica: .*missing \['advice'\]"):
        ReplicaTexts.load(path)


def test_a_reason_the_code_never_gives_is_refused(tmp_path: Path) -> None:
    path = _written(tmp_path, "replica_check", lambda data: data["reasons"].update(typo={"fr": "x", "en": "x"}))
    with pytest.raises(ValueError, match=r"reasons: .*not expected \['typo'\]"):
        ReplicaTexts.load(path)


def test_a_blank_english_text_is_refused(tmp_path: Path) -> None:
    path = _written(tmp_path, "alarm_check", lambda data: data["problems"]["blurred"].update(en="  "))
    with pytest.raises(ValueError, match=r"problems\.blurred\.en"):
        AlarmTexts.load(path)


def test_a_text_in_another_language_is_refused_where_it_stands(tmp_path: Path) -> None:
    _written(tmp_path, "batch_report", lambda data: data["levels"]["high"].update(de="hoch"))
    with pytest.raises(ValueError, match=r"batch_report\.levels\.high: .*not expected \['de'\]"):
        load_texts("batch_report", tmp_path)
