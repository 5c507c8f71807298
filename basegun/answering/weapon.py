"""What is assessed: a weapon, as the one or more photos of it, and a file that was not analysed, with why.

A batch (`basegun/batch/intake.py`) is made of these, and so is an uploaded photo (a weapon with one photo);
`assess.py` turns each weapon into its answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from basegun.answering.answer_models import PhotoError, UnreadPhoto


@dataclass(frozen=True)
class PhotoFile:
    """One photo of a weapon: the name the user knows it by, and where its bytes are."""

    name: str
    path: Path

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class PhotoData:
    """One photo already in memory (an upload)."""

    name: str
    data: bytes = field(repr=False)

    def read(self) -> bytes:
        return self.data


PhotoSource = PhotoFile | PhotoData


@dataclass(frozen=True)
class Skipped:
    """A file not analysed (set aside on the way in, or not a usable photo), with a stable code and a plain reason."""

    name: str
    code: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "detail": self.detail}

    def unread(self) -> UnreadPhoto:
        return UnreadPhoto(name=self.name, error=PhotoError(code=self.code, detail=self.detail))


@dataclass(frozen=True)
class Weapon:
    """One weapon: its name (the folder, or the lone photo's file name) and its photos."""

    name: str
    photos: tuple[PhotoFile, ...]
