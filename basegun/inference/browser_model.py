"""The typology model as the web app runs it in the browser when the service cannot be reached.

The browser reads everything from the served manifest (preprocessing, classes, thresholds, decoding), so that a
retrained or recalibrated model ships to phones with no change to the web app. The manifest is served as on disk,
with its preprocessing resolved (defaults filled in), so that the browser never repeats a default by hand, and with
how the service decodes a large JPEG (at reduced size, `basegun.inference.imaging`), which the browser imitates.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from basegun.inference.imaging import Detail
from basegun.inference.manifest import Manifest


@dataclass(frozen=True)
class BrowserModel:
    """The manifest's JSON as served, its ETag, and the ONNX file with its ETag (the manifest's sha256)."""

    manifest_json: bytes
    manifest_etag: str
    onnx_path: Path
    onnx_etag: str


def browser_model(manifest: Manifest, decode_detail: Detail) -> BrowserModel:
    """What GET /api/v1/models/typology.json and .onnx serve; `decode_detail`: what identify decodes photos with."""
    served = {
        **manifest.raw,
        "preprocessing": dataclasses.asdict(manifest.preprocessing),
        "decode": {"jpeg_draft": dataclasses.asdict(decode_detail)},
    }
    body = json.dumps(served, ensure_ascii=False, sort_keys=True).encode()
    return BrowserModel(
        manifest_json=body,
        manifest_etag=f'"{hashlib.sha256(body).hexdigest()}"',
        onnx_path=manifest.onnx_path,
        onnx_etag=f'"{manifest.sha256}"',
    )
