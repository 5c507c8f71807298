"""The interactive API docs (`/docs`), served only when `BASEGUN_API_DOCS` is set: off by default in production.

Swagger UI comes from its CDN (no pip package of it is available here). Its page starts it with one inline script:
the Content-Security-Policy allows that script by its hash, never `'unsafe-inline'`, so nothing injected into the
page could run.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

CDN = "https://cdn.jsdelivr.net"
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


def _page() -> tuple[bytes, str]:
    html = bytes(get_swagger_ui_html(openapi_url="/openapi.json", title="Basegun API").body)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE.findall(html.decode())
    )
    csp = (
        f"default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; script-src 'self' {CDN} {hashes}; "
        f"style-src 'self' {CDN}; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    return html, csp


PAGE, CSP = _page()


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(PAGE, headers={"content-security-policy": CSP})
