"""Dependencies shared by the routes: the loaded service, and an uploaded photo read and answered in the pool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from api.clients import SCOPE_KEY
from api.inference import InferencePool
from basegun.errors import ModelUnavailable
from basegun.inference.imaging import check_size
from basegun.service import Basegun

T = TypeVar("T")
CHUNK = 1 << 16


def get_service(request: Request) -> Basegun:
    service = getattr(request.app.state, "service", None)
    if service is None:
        raise ModelUnavailable("The models are not loaded yet; try again in a moment.")
    return service


ServiceDep = Annotated[Basegun, Depends(get_service)]


async def infer_upload(
    request: Request, upload: UploadFile, service: Basegun, call: Callable[..., T], *args: object
) -> T:
    """`call(photo bytes, *args)` in the inference pool, never on the event loop; refused (503 `busy`) when the pool
    and its queue are full, or (507 `storage_full`) when the answer could not be stored, before the upload is read."""
    pool: InferencePool = request.app.state.inference_pool
    with pool.slot(request.scope.get(SCOPE_KEY, "")):
        if service.store is not None:
            await run_in_threadpool(service.disk.check)  # may walk the data folder: off the event loop
        data = await read_upload(upload, service)
        return await pool.run(request.receive, call, data, *args)


async def read_upload(upload: UploadFile, service: Basegun) -> bytes:
    """The uploaded bytes, refused as soon as they pass the limit (the body limit middleware cuts it earlier)."""
    chunks, size = [], 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        check_size(size, service.limits)  # stops reading as soon as the limit is passed
        chunks.append(chunk)
    check_size(size, service.limits)
    return b"".join(chunks)
