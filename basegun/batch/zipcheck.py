"""What a zip says about itself, checked before `zipfile` believes it.

`zipfile.ZipFile` reads the whole central directory into memory and builds an object per entry before anyone can
count them: a 47 MB archive of a million empty entries costs over a gigabyte. The end record (the last bytes of the
file) gives the entry count and the directory's size, so both are checked first, reading at most 64 KiB.

Entries whose data overlap (many names pointing at the same compressed bytes, the "overlapping zip bomb") are refused
by our own check: only Python 3.11.8 and later refuse them, and any 3.11 is allowed.
"""

from __future__ import annotations

import itertools
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from basegun.errors import BatchRejected

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64_LOCATOR = struct.Struct("<4sLQL")
_END64 = struct.Struct("<4sQ2H2L4Q")
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header
_MAX_COMMENT = 0xFFFF


@dataclass(frozen=True)
class Directory:
    """The central directory as the end record declares it."""

    entries: int
    size: int
    offset: int


def read_directory(source: BinaryIO) -> Directory:
    """The declared entry count, size and offset of the central directory; `not_a_zip` when there is no end record."""
    source.seek(0, 2)
    length = source.tell()
    tail_start = max(0, length - _END.size - _MAX_COMMENT)
    source.seek(tail_start)
    tail = source.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END.size:
        raise BatchRejected("The archive is not a readable zip file.", code="not_a_zip")
    _, _, _, _, entries, size, offset, _ = _END.unpack_from(tail, at)
    locator_at = at - _END64_LOCATOR.size
    if locator_at >= 0 and tail[locator_at : locator_at + 4] == b"PK\x06\x07":
        _, _, end64_offset, _ = _END64_LOCATOR.unpack_from(tail, locator_at)
        source.seek(end64_offset)
        record = source.read(_END64.size)
        if len(record) == _END64.size and record[:4] == b"PK\x06\x06":
            _, _, _, _, _, _, _, entries, size, offset = _END64.unpack(record)
    return Directory(entries=entries, size=size, offset=offset)


def check_overlaps(archive: zipfile.ZipFile, source: BinaryIO) -> None:
    """Refuse an archive whose entries share bytes: each entry's data must end before the next one starts."""
    directory_offset: int = archive.start_dir  # offsets as zipfile reads them (after any prefix)
    spans = []
    for info in archive.infolist():
        source.seek(info.header_offset)
        header = source.read(_LOCAL.size)
        if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
            continue  # unreadable here, so unreadable when unpacked: that entry is skipped as corrupt
        name_length, extra_length = _LOCAL.unpack(header)[-2:]
        start = info.header_offset
        spans.append((start, start + _LOCAL.size + name_length + extra_length + info.compress_size, info.filename))
    spans.sort()
    for (_, end, name), (start, _, other) in itertools.pairwise(spans):
        if start < end:
            raise BatchRejected(
                f"The archive entries {name!r} and {other!r} share their data: a zip bomb, refused.",
                code="overlapping_entries",
            )
    if spans and spans[-1][1] > directory_offset:
        raise BatchRejected(
            f"The archive entry {spans[-1][2]!r} runs into the archive's directory: a zip bomb, refused.",
            code="overlapping_entries",
        )
