"""The default object store: a folder under the data folder, files 0600 and folders 0700, each write atomic."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from basegun.errors import StoreUnavailable
from basegun.runtime.files import private_folder, write_private
from basegun.storage.objects import ObjectMissing, checked_key


class FolderStore:
    """Objects as files under `root`; the key is the relative path."""

    def __init__(self, root: Path) -> None:
        self.root = private_folder(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            private_folder(path.parent)
            write_private(path, data)
        except OSError as exc:
            raise StoreUnavailable(f"Cannot write to the data folder: {exc.strerror or exc}") from exc

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectMissing(f"No object {key!r}.") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str) -> Iterator[str]:
        base = self.root / checked_key(prefix.rstrip("/")) if prefix.strip("/") else self.root
        if not base.is_dir():
            return
        for folder, _, names in os.walk(base):
            for name in names:
                if not name.endswith(".tmp"):  # a write in progress (`write_private`)
                    yield (Path(folder) / name).relative_to(self.root).as_posix()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        removed = 0
        for key in list(self.keys(prefix)):
            self.delete(key)
            removed += 1
        base = self.root / prefix.strip("/")
        if base.is_dir():
            for folder, _, _ in os.walk(base, topdown=False):
                with contextlib.suppress(OSError):  # not empty: a write arrived meanwhile
                    Path(folder).rmdir()
        return removed

    def check(self) -> None:
        try:
            self.put("readiness/probe", b"ok")
            self.delete("readiness/probe")
        except OSError as exc:
            raise StoreUnavailable(f"The data folder cannot be written: {exc.strerror or exc}") from exc
