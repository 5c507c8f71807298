"""A batch's intake: its weapons (`basegun/answering/weapon.py`), each one or more photo files, and the files set
aside with why.

A batch comes as a folder (the CLI), a zip archive or many uploaded files (the API). In all three, a
sub-folder is one weapon and a file directly at the top is one weapon of its own. Every way in goes through
`safe_name`, so that a name from a hostile archive or upload can never reach outside the batch's own folder:
files are stored under generated names, the user's name is only ever shown.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from basegun.answering.weapon import PhotoFile, Skipped, Weapon

# The first bytes of the archive formats a photo folder may hide (zip, gzip, bzip2, xz, 7z, rar, zstd).
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"(\xb5/\xfd")
ARCHIVE_SUFFIXES = frozenset({".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".zst"})
SYSTEM_FOLDERS = frozenset({"__MACOSX"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_NUMBER = re.compile(r"([0-9]+)")
MAX_PART_BYTES = 255  # what a file system takes for one name
MAX_NAME_BYTES = 1024  # a whole path: folders and file name
MAX_SKIPPED_LISTED = 200


@dataclass
class Intake:
    """The weapons found and the files skipped, in a stable (sorted) order."""

    weapons: list[Weapon] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def photo_count(self) -> int:
        return sum(len(weapon.photos) for weapon in self.weapons)


class UnsafeName(ValueError):
    """A name that must not be used: the `Skipped` code and detail say why."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def safe_name(raw: str) -> PurePosixPath:
    """A relative name with no way out of the batch, or `UnsafeName` (absolute, `..`, drive letter, control chars,
    a name longer than a file system takes).

    Backslashes count as separators: Windows zip tools write them.
    """
    name = raw.replace("\\", "/")
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        raise UnsafeName("name_too_long", f"The name is longer than {MAX_NAME_BYTES} bytes.")
    if any(ord(char) < 32 for char in name):
        raise UnsafeName("unsafe_path", "The name contains control characters.")
    if name.startswith("/") or _DRIVE.match(name):
        raise UnsafeName("unsafe_path", "The name is an absolute path, which could write outside the batch.")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise UnsafeName("unsafe_path", "The name climbs out of its folder ('..') and could write outside the batch.")
    if not parts:
        raise UnsafeName("unsafe_path", "The name is empty.")
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_PART_BYTES for part in parts):
        raise UnsafeName("name_too_long", f"A folder or file name is longer than {MAX_PART_BYTES} bytes.")
    return PurePosixPath(*parts)


def shown(raw: str) -> str:
    """A name as it may be listed: cut to `MAX_PART_BYTES` (a hostile name may be 60 KB long)."""
    data = raw.encode("utf-8", "surrogatepass")
    if len(data) <= MAX_PART_BYTES:
        return raw
    return data[: MAX_PART_BYTES - 3].decode("utf-8", "ignore") + "…"


def capped(skipped: list[Skipped], limit: int = MAX_SKIPPED_LISTED) -> list[Skipped]:
    """The first `limit` files set aside, then one line counting the others: a report stays readable and small."""
    if len(skipped) <= limit:
        return skipped
    more = len(skipped) - limit
    return [
        *skipped[:limit],
        Skipped(f"(+{more})", "more_skipped", f"{more} more files were set aside; only the first {limit} are listed."),
    ]


def hidden_reason(name: PurePosixPath) -> Skipped | None:
    """System files (macOS resource forks, `.DS_Store`, hidden files) are not photos of the seizure."""
    if any(part.startswith(".") or part in SYSTEM_FOLDERS for part in name.parts):
        return Skipped(str(name), "hidden_file", "A hidden or system file, not a photo of the seizure.")
    return None


def archive_reason(name: str, head: bytes) -> Skipped | None:
    """An archive inside the batch is never opened: its photos would escape every limit already checked."""
    if head.startswith(ARCHIVE_MAGIC) or PurePosixPath(name).suffix.lower() in ARCHIVE_SUFFIXES:
        return Skipped(name, "nested_archive", "An archive inside the batch is not opened; send its photos instead.")
    return None


def group(files: Iterable[tuple[PurePosixPath, Path]]) -> list[Weapon]:
    """One weapon per top-level folder (every photo beneath it), one weapon per top-level file."""
    weapons: dict[str, list[PhotoFile]] = {}
    for name, path in sorted(files, key=lambda item: _natural(str(item[0]))):
        key = name.parts[0] if len(name.parts) > 1 else str(name)
        weapons.setdefault(key, []).append(PhotoFile(str(name), path))
    return [Weapon(name, tuple(photos)) for name, photos in sorted(weapons.items(), key=lambda kv: _natural(kv[0]))]


def unwrap(names: list[PurePosixPath]) -> list[PurePosixPath]:
    """Drop a single folder that wraps everything (zipping a folder puts it at the top of every name)."""
    tops = {name.parts[0] for name in names}
    if len(tops) == 1 and all(len(name.parts) > 1 for name in names):
        return [PurePosixPath(*name.parts[1:]) for name in names]
    return names


def from_folder(folder: Path) -> Intake:
    """The weapons in a station's folder; links are not followed (a link could point anywhere on the machine)."""
    intake = Intake()
    files: list[tuple[PurePosixPath, Path]] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        here = Path(root)
        for name in sorted(dirs + names):
            path = here / name
            relative = PurePosixPath(path.relative_to(folder).as_posix())
            mode = path.lstat().st_mode
            skipped = hidden_reason(relative)
            if stat.S_ISDIR(mode) and skipped is None:
                continue
            skipped = skipped or _link_reason(relative, mode)
            if skipped is None and not stat.S_ISREG(mode):
                skipped = Skipped(str(relative), "not_a_file", "Not a regular file.")
            if skipped is None:
                skipped = archive_reason(str(relative), _head(path))
            if skipped is not None:
                intake.skipped.append(skipped)
            else:
                files.append((relative, path))
        dirs[:] = [d for d in dirs if not (d.startswith(".") or d in SYSTEM_FOLDERS)]
    intake.weapons = group(files)
    intake.skipped = capped(sorted(intake.skipped, key=lambda s: _natural(s.name)))
    return intake


def _link_reason(name: PurePosixPath, mode: int) -> Skipped | None:
    if stat.S_ISLNK(mode):
        return Skipped(str(name), "symlink", "A symbolic link is not followed; put the photo itself in the folder.")
    return None


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError:
        return b""  # the photo analysis reads it again and reports why it cannot


def _natural(text: str) -> list[tuple[int, int | str]]:
    """Sort 'arme 2' before 'arme 10', as a person would.

    Only ASCII digits count as numbers: `str.isdigit()` also accepts '²' or '①', which `int()` refuses. Numbers and
    words are tagged so that they never meet in one comparison (a name may start with either).
    """
    return [(0, int(part)) if part.isdecimal() else (1, part.lower()) for part in _NUMBER.split(text) if part]
