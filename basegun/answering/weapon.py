"""What is assessed: a weapon, as the one or more photo files of it, and a file that was not analysed, with why.

A batch (`basegun/batch/intake.py`) is made of these; `assess.py` turns each weapon into its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PhotoFile:
    """One photo of a weapon: the name the user knows it by, and where its bytes are."""

    name: str
    path: Path


@dataclass(frozen=True)
class Skipped:
    """A file not analysed (set aside on the way in, or not a usable photo), with a stable code and a plain reason."""

    name: str
    code: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class Weapon:
    """One weapon: its name (the folder, or the lone photo's file name) and its photos."""

    name: str
    photos: tuple[PhotoFile, ...]
