"""Identifying a photo with the web app's own modules in the page, as the app does when the service is unreachable.

Shared by the browser tests and `benchmarks/offline.py`.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from playwright.sync_api import Page

# Prepare the photo as the app does before sending it (js/photo.js), then identify those bytes in the browser.
IN_BROWSER = """async ([name, encoded]) => {
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const { preparePhoto } = await import("./js/photo.js");
  const { probabilities } = await import("./js/offline/model.js");
  const prepared = await preparePhoto(new File([bytes], name, { type: "image/jpeg" }));
  const probs = await probabilities(prepared.blob);
  const sent = new Uint8Array(await prepared.blob.arrayBuffer());
  let text = "";
  for (const byte of sent) text += String.fromCharCode(byte);
  return { probs, prepared: btoa(text) };
}"""


def in_browser(page: Page, name: str, data: bytes) -> tuple[np.ndarray, bytes]:
    """The browser's class probabilities for a photo, and the bytes the app would have sent the service."""
    result = page.evaluate(IN_BROWSER, [name, base64.b64encode(data).decode()])
    return np.asarray(result["probs"], dtype=np.float64), base64.b64decode(result["prepared"])


def derived_photo(source: Path) -> bytes:
    """A photo no test has used: mirrored, 80 % of the size, recompressed."""
    image = ImageOps.mirror(Image.open(source).convert("RGB"))
    image = image.resize((round(image.width * 0.8), round(image.height * 0.8)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()
