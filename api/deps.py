"""Dependencies shared by the routes: the loaded service, the inference pool, and reading an uploaded photo."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, TypeVar

from fastapi import Depends, Request, UploadFile

from basegun.errors import ModelUnavailable
from basegun.imaging import check_size
from basegun.service import Basegun

T = TypeVar("T")
CHUNK = 1 << 16


def get_service(request: Request) -> Basegun:
    service = getattr(request.app.state, "service", None)
    if service is None:
        raise ModelUnavailable("The models are not loaded yet; try again in a moment.")
    return service


ServiceDep = Annotated[Basegun, Depends(get_service)]


async def run_inference(request: Request, call: Callable[..., T], *args: object) -> T:
    """Run blocking model work in the inference pool (sized to the cores), never on the event loop."""
    pool: ThreadPoolExecutor = request.app.state.inference_pool
    return await asyncio.get_running_loop().run_in_executor(pool, call, *args)


async def read_upload(upload: UploadFile, service: Basegun) -> bytes:
    """The uploaded bytes, refused as soon as they pass the limit (the body limit middleware cuts it earlier)."""
    chunks, size = [], 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        check_size(size, service.limits)  # stops reading as soon as the limit is passed
        chunks.append(chunk)
    check_size(size, service.limits)
    return b"".join(chunks)
