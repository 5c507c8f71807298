"""The restricted checkpoint reader runs none of the code a checkpoint names."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="the training extra (torch) is not installed")

from training.checkpoint import read_checkpoint

pytestmark = pytest.mark.training


class _Exploit:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self):
        return (os.system, (f"touch {self.target}",))


def test_read_checkpoint_never_runs_pickled_code(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"model": _Exploit(target)}))
    with pytest.raises(ValueError, match="batch-norm"):
        read_checkpoint(buffer.getvalue())
    assert not target.exists()
