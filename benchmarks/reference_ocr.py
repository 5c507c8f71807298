"""Worker for the reference alarm check, run by the PaddleOCR virtual environment's Python (not Basegun's).

`python -m benchmarks.reference_ocr <unpacked basegun_ml folder>` builds PaddleOCR exactly as `basegun_ml` does at
import, then answers one JSON request per line on stdin: `{"load": name, "path": ...}` keeps a photo's bytes,
`{"check": name}` runs the reference's own `ocr.is_alarm_weapon` on them. Without its quality step: that step's
network (pyiqa CNNIQA) pins torch 2.3, so the reference's real time is this plus that network's.
"""

from __future__ import annotations

import json
import os
import sys
from importlib.metadata import version
from pathlib import Path

from benchmarks.reference_package import use


def main() -> int:
    package = Path(sys.argv[1])
    # Replies go to the original stdout; anything PaddleOCR prints (even from C++) goes to stderr instead.
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    from paddleocr import PaddleOCR

    models = package / "PaddleModels"
    model_ocr = PaddleOCR(
        det_model_dir=str(models / "detection"),
        rec_model_dir=str(models / "recognition"),
        cls_model_dir=str(models / "classification"),
        use_angle_cls=True,
        show_log=False,
    )
    modules = use(package, ("exceptions",))
    ocr = use(package, ("ocr",), model_ocr=model_ocr, metric_iqa=None)["ocr"]
    refusals = tuple(getattr(modules["exceptions"], name) for name in ("MissingText", "LowQuality"))
    versions = {name: version(name) for name in ("paddlepaddle", "paddleocr")}
    replies.write(json.dumps({"versions": versions}) + "\n")

    photos: dict[str, bytes] = {}
    for line in sys.stdin:
        request = json.loads(line)
        if "load" in request:
            photos[request["load"]] = Path(request["path"]).read_bytes()
            replies.write(json.dumps({"loaded": request["load"]}) + "\n")
            continue
        try:
            verdict = ocr.is_alarm_weapon(photos[request["check"]], quality_check=False)
        except refusals as exc:
            verdict = type(exc).__name__
        replies.write(json.dumps({"verdict": verdict}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
