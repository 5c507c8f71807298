"""Unpacking a batch that arrives as a zip archive, or as many uploaded files, without trusting it.

The archive as a whole is refused (`BatchRejected`) when it is not a zip, holds too many entries or too large a
directory (read from its end record, before `zipfile` parses anything), has entries sharing their data, would unpack
to more than the batch limit, or compresses too well to be photos (a zip bomb, entry by entry and as a whole):
those are checked before anything is written, and the sizes are counted again while unpacking, since a
hostile archive can lie in its headers. A single bad entry (a path out of the folder, a link, an archive inside
the archive, an encrypted or oversized file) is skipped and listed with its reason. Photos are written under
generated names; the names from the archive are only shown.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from basegun.answering.weapon import Skipped
from basegun.batch.intake import (
    Intake,
    UnsafeName,
    archive_reason,
    capped,
    group,
    hidden_reason,
    safe_name,
    shown,
    unwrap,
)
from basegun.batch.zipcheck import Directory, check_overlaps, read_directory
from basegun.errors import BatchRejected, StorageFull
from basegun.runtime.files import create_private, private_folder

CHUNK = 1 << 20
Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class BatchLimits:
    """How big a batch may be: a phone photo is 2–8 MB, so the default total holds 250 to 1,000 of them."""

    max_photos: int = 500
    max_entries: int = 2000
    max_total_bytes: int = 2 * 1024**3
    max_photo_bytes: int = 20 * 1024 * 1024
    # Photos are already compressed: a JPEG barely shrinks in a zip; a flat PNG may reach 20-50x. A larger
    # ratio on a sizeable entry is a zip bomb.
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1024 * 1024
    # The same, for the archive as a whole: 500 entries of 1 MiB of zeros each pass the entry check, not this one.
    max_total_ratio: float = 50.0
    total_ratio_floor_bytes: int = 64 * 1024 * 1024
    # A directory record is 46 bytes plus the name: 512 bytes an entry leaves room for long names.
    max_directory_bytes: int = 2000 * 512
    max_skipped_listed: int = 200


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser gave (it may carry the folder, `arme 1/gauche.jpg`) and its bytes."""

    name: str
    file: BinaryIO


def unpack_zip(source: BinaryIO | Path, destination: Path, limits: BatchLimits, room: int | None = None) -> Intake:
    """Unpack the photos of a zip into `destination` and group them; refuse a hostile archive as a whole.

    `room` is what the disk budget allows this batch to write (`StorageFull` past it).
    """
    with source.open("rb") if isinstance(source, Path) else nullcontext(source) as file:
        return _unpack(file, destination, limits, room)


def _unpack(file: BinaryIO, destination: Path, limits: BatchLimits, room: int | None) -> Intake:
    _check_end_record(read_directory(file), limits)
    archive_bytes = file.seek(0, 2)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BatchRejected("The archive is not a readable zip file.", code="not_a_zip") from exc
    with archive:
        check_overlaps(archive, file)
        entries = [info for info in archive.infolist() if not info.is_dir()]
        by_ratio = max(limits.total_ratio_floor_bytes, int(limits.max_total_ratio * archive_bytes))
        allowed = min(limits.max_total_bytes, by_ratio)
        _check_directory(entries, limits, allowed)
        writer = _Writer(destination, limits, allowed, room)
        for info in entries:
            writer.add(info.filename, partial(archive.open, info), skip=_entry_reason(info, limits))
        return writer.intake(wrapped=True)


def store_uploads(uploads: Iterable[Upload], destination: Path, limits: BatchLimits, room: int | None = None) -> Intake:
    """Store uploaded photos into `destination` and group them by the folder in their names."""
    writer = _Writer(destination, limits, limits.max_total_bytes, room)
    for upload in uploads:
        writer.add(upload.name, _already_open(upload.file), skip=None)
    return writer.intake(wrapped=False)


def _check_end_record(directory: Directory, limits: BatchLimits) -> None:
    """Counted from the end record, before the directory is parsed: its size bounds what `zipfile` will hold."""
    if directory.entries > limits.max_entries:
        raise BatchRejected(
            f"The archive holds {directory.entries} files; a batch takes at most {limits.max_entries}.",
            code="too_many_entries",
        )
    if directory.size > limits.max_directory_bytes:
        raise BatchRejected(
            f"The archive's directory is {directory.size // 1024} KB, over the limit of "
            f"{limits.max_directory_bytes // 1024} KB (too many files, or names far too long).",
            code="too_many_entries",
        )


def _check_directory(entries: list[zipfile.ZipInfo], limits: BatchLimits, allowed: int) -> None:
    if len(entries) > limits.max_entries:  # the end record may understate the count
        raise BatchRejected(
            f"The archive holds {len(entries)} files; a batch takes at most {limits.max_entries}.",
            code="too_many_entries",
        )
    total = sum(info.file_size for info in entries)
    if total > limits.max_total_bytes:
        raise BatchRejected(_too_large(limits), code="batch_too_large")
    if total > allowed:
        raise BatchRejected(_bomb(allowed), code="archive_bomb")
    for info in entries:
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise BatchRejected(
                f"The archive entry {info.filename!r} unpacks to {info.file_size / max(info.compress_size, 1):.0f} "
                "times its compressed size: photos never compress that well (a zip bomb?).",
                code="archive_bomb",
            )


def _entry_reason(info: zipfile.ZipInfo, limits: BatchLimits) -> Skipped | None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return Skipped(info.filename, "symlink", "A symbolic link in the archive is not followed.")
    if info.flag_bits & 0x1:
        return Skipped(info.filename, "encrypted_entry", "The file is encrypted in the archive and cannot be read.")
    if info.file_size > limits.max_photo_bytes:
        return Skipped(info.filename, "file_too_large", _photo_too_large(limits))
    return None


def _already_open(file: IO[bytes]) -> Opener:
    """An upload's file is open already, and closed by whoever received it, not here."""
    return lambda: nullcontext(file)


class _Writer:
    """Writes accepted files under generated names, counting every byte against the limits."""

    def __init__(self, destination: Path, limits: BatchLimits, allowed_total: int, room: int | None) -> None:
        self.destination = private_folder(destination)
        self.limits = limits
        self.allowed_total = allowed_total
        self.room = room
        self.total = 0
        self.files: list[tuple[PurePosixPath, Path]] = []
        self.skipped: list[Skipped] = []

    def add(self, raw_name: str, open_file: Opener, skip: Skipped | None) -> None:
        try:
            name = safe_name(raw_name)
        except UnsafeName as unsafe:
            self.skipped.append(Skipped(shown(raw_name), unsafe.code, unsafe.detail))
            return
        skip = skip or hidden_reason(name)
        if skip is not None:
            self.skipped.append(Skipped(str(name), skip.code, skip.detail))
            return
        if len(self.files) >= self.limits.max_photos:
            raise BatchRejected(
                f"The batch holds more than {self.limits.max_photos} photos; split it.", code="too_many_photos"
            )
        path = self.destination / f"{len(self.files):04d}"
        try:
            with open_file() as source, create_private(path) as target:
                head = source.read(8)
                skip = archive_reason(str(name), head)
                if skip is None and self._copy(head, source, target) > self.limits.max_photo_bytes:
                    skip = Skipped(str(name), "file_too_large", _photo_too_large(self.limits))
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            # A damaged entry, sizes that lie, or a compression method zipfile does not know.
            detail = f"The file cannot be unpacked from the archive ({type(exc).__name__})."
            skip = Skipped(str(name), "corrupt_entry", detail)
        if skip is not None:
            path.unlink(missing_ok=True)
            self.skipped.append(skip)
            return
        self.files.append((name, path))

    def _copy(self, head: bytes, source: IO[bytes], target: BinaryIO) -> int:
        """Copy, stopping just past the photo limit; the batch total is a hard stop whatever the headers said."""
        written = 0
        chunk = head
        while chunk:
            written += len(chunk)
            self.total += len(chunk)
            if self.total > self.limits.max_total_bytes:
                raise BatchRejected(_too_large(self.limits), code="batch_too_large")
            if self.total > self.allowed_total:
                raise BatchRejected(_bomb(self.allowed_total), code="archive_bomb")
            if self.room is not None and self.total > self.room:
                raise StorageFull("The batch does not fit in the service's storage now; try again later.")
            if written > self.limits.max_photo_bytes:
                break
            target.write(chunk)
            chunk = source.read(CHUNK)
        return written

    def intake(self, *, wrapped: bool) -> Intake:
        names = [name for name, _ in self.files]
        if wrapped:
            names = unwrap(names)
        if not names:
            reasons = "; ".join(f"{s.name}: {s.detail}" for s in self.skipped[:5])
            raise BatchRejected(
                "The batch holds no photo to analyse" + (f" (skipped: {reasons})." if reasons else "."),
                code="empty_batch",
            )
        weapons = group(zip(names, (path for _, path in self.files), strict=True))
        return Intake(weapons=weapons, skipped=capped(self.skipped, self.limits.max_skipped_listed))


def _too_large(limits: BatchLimits) -> str:
    return f"The batch would unpack to more than {limits.max_total_bytes // 1024**2} MB."


def _bomb(allowed: int) -> str:
    return (
        f"The archive would unpack to more than {allowed // 1024**2} MB, far more than its own size: photos never "
        "compress that well (a zip bomb?)."
    )


def _photo_too_large(limits: BatchLimits) -> str:
    return f"The file is larger than the limit of {limits.max_photo_bytes // (1024 * 1024)} MB for one photo."
