"""Hostile zips refused before they cost memory or disk: the end record, overlapping entries, the archive's total
ratio, names too long, and a cap on the files listed as set aside."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from basegun.batch.archive import BatchLimits, unpack_zip
from basegun.batch.intake import MAX_SKIPPED_LISTED, shown
from basegun.errors import BatchRejected, StorageFull
from tests.images import encode, wall


def zipped(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(data: bytes, tmp_path: Path, limits: BatchLimits | None = None) -> str:
    with pytest.raises(BatchRejected) as refusal:
        unpack_zip(io.BytesIO(data), tmp_path / "photos", limits or BatchLimits())
    assert not any((tmp_path / "photos").glob("*")), "nothing may be written for a refused archive"
    return refusal.value.code


def patch_end_record(data: bytes, entries: int | None = None, size: int | None = None) -> bytes:
    """Make the end record claim other figures, as a hostile archive of a million entries would."""
    patched = bytearray(data)
    at = patched.rindex(b"PK\x05\x06")
    if entries is not None:
        patched[at + 8 : at + 12] = struct.pack("<HH", entries, entries)
    if size is not None:
        patched[at + 12 : at + 16] = struct.pack("<L", size)
    return bytes(patched)


def test_entry_count_is_read_from_the_end_record(tmp_path: Path) -> None:
    data = patch_end_record(zipped({"a.jpg": b"x"}), entries=60_000)
    assert refused(data, tmp_path) == "too_many_entries"


def test_directory_size_is_read_from_the_end_record(tmp_path: Path) -> None:
    # 400 hidden entries with very long names: a directory far over its limit, refused before zipfile parses it.
    data = zipped({f".{'n' * 4000}{i}": b"" for i in range(400)})
    assert len(data) > BatchLimits().max_directory_bytes
    assert refused(data, tmp_path) == "too_many_entries"


def test_overlapping_entries_are_refused(tmp_path: Path) -> None:
    """Twenty names pointing at one entry's data: refused by our own check, whatever Python's zipfile does."""
    data = bytearray(zipped({"a.jpg": bytes(1024 * 1024)}))
    directory = data.rindex(b"PK\x01\x02")
    end = data.rindex(b"PK\x05\x06")
    record = bytes(data[directory:end])
    copies = [record.replace(b"a.jpg", f"{i:>5}".encode()[:5].replace(b" ", b"b")) for i in range(20)]
    new_directory = record + b"".join(copies)
    tail = bytearray(data[end:])
    tail[8:12] = struct.pack("<HH", 21, 21)
    tail[12:16] = struct.pack("<L", len(new_directory))
    bomb = bytes(data[:directory]) + new_directory + bytes(tail)
    assert refused(bomb, tmp_path) == "overlapping_entries"


def test_archive_total_ratio_is_capped(tmp_path: Path) -> None:
    """Entries of 1 MiB each pass the entry check; together they are a bomb (the issue's 554 KiB → 500 MiB)."""
    data = zipped({f"{i}.jpg": bytes(1024 * 1024) for i in range(80)})
    assert len(data) < 1024 * 1024
    assert refused(data, tmp_path) == "archive_bomb"


def test_names_over_255_bytes_are_skipped_and_shown_cut(tmp_path: Path) -> None:
    photo = encode(wall(200, 150), "JPEG")
    long_name = "é" * 200 + ".jpg"  # 404 bytes in UTF-8
    intake = unpack_zip(io.BytesIO(zipped({"a.jpg": photo, long_name: photo})), tmp_path / "photos", BatchLimits())
    assert [w.name for w in intake.weapons] == ["a.jpg"]
    [skipped] = intake.skipped
    assert skipped.code == "name_too_long"
    assert skipped.name == shown(long_name)
    assert len(skipped.name.encode()) <= 255


def test_skipped_files_listed_are_capped(tmp_path: Path) -> None:
    photo = encode(wall(200, 150), "JPEG")
    entries = {"a.jpg": photo} | {f".cache/{i}": b"" for i in range(MAX_SKIPPED_LISTED + 50)}
    intake = unpack_zip(io.BytesIO(zipped(entries)), tmp_path / "photos", BatchLimits())
    assert len(intake.skipped) == MAX_SKIPPED_LISTED + 1
    assert intake.skipped[-1].code == "more_skipped"
    assert "50" in intake.skipped[-1].detail


def test_disk_room_stops_unpacking(tmp_path: Path) -> None:
    photo = encode(wall(400, 300), "JPEG")
    with pytest.raises(StorageFull):
        unpack_zip(io.BytesIO(zipped({f"{i}.jpg": photo for i in range(5)})), tmp_path, BatchLimits(), room=len(photo))


def test_unpacked_photos_are_private(tmp_path: Path) -> None:
    photo = encode(wall(200, 150), "JPEG")
    intake = unpack_zip(io.BytesIO(zipped({"a.jpg": photo})), tmp_path / "photos", BatchLimits())
    assert (tmp_path / "photos").stat().st_mode & 0o777 == 0o700
    assert intake.weapons[0].photos[0].path.stat().st_mode & 0o777 == 0o600
