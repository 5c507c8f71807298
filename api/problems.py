"""The one place where errors become HTTP answers: RFC 9457 problem+json with a stable `code`.

Nothing a client sends may produce a 500, and no answer ever carries an exception text or a stack trace.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from api.errors import Busy, CrossSiteRefused
from basegun.accounts.oidc import ProviderUnavailable
from basegun.answering.answer_models import Words
from basegun.errors import (
    AuthenticationRequired,
    BasegunError,
    BatchNotReady,
    BatchRejected,
    ClientLimitReached,
    Conflict,
    Forbidden,
    ImageRejected,
    InvalidRequest,
    InvalidToken,
    LimitReached,
    ModelUnavailable,
    NotFound,
    StorageFull,
    StoreUnavailable,
)

PROBLEM_TYPE = "https://basegun.invalid/problems/"
STATUS_BY_CODE = {
    "empty_file": 400,
    "file_too_large": 413,
    "unsupported_format": 415,
    "batch_too_large": 413,
    "too_many_photos": 413,
    "too_many_entries": 413,
}
STATUS_BY_TYPE: list[tuple[type[BasegunError], int]] = [
    (ClientLimitReached, 429),
    (Busy, 503),
    (LimitReached, 503),
    (StorageFull, 507),
    (CrossSiteRefused, 403),
    (ImageRejected, 422),
    (BatchRejected, 422),
    (BatchNotReady, 409),
    (InvalidRequest, 400),
    (NotFound, 404),
    (ModelUnavailable, 503),
    (InvalidToken, 401),
    (AuthenticationRequired, 401),
    (Forbidden, 403),
    (ProviderUnavailable, 503),
    (StoreUnavailable, 503),
    (Conflict, 409),
]


MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """An error answer (RFC 9457); `code` is stable, `detail` is for people."""

    type: str = Field(examples=[PROBLEM_TYPE + "unsupported_format"])
    title: str = Field(examples=["Unsupported Media Type"])
    status: int = Field(examples=[415])
    detail: str = Field(examples=["This file is not a photo in a format Basegun reads."])
    code: str = Field(examples=["unsupported_format"])
    messages: Words | None = Field(None, description="Advice for the user, where there is some")


Errors = dict[int, tuple[str, ...]]
# The errors routes share, by what they do: each route's `responses=` merges those that apply to it.
SERVICE: Errors = {503: ("model_unavailable",)}  # needs the loaded models (not yet, while the service starts)
VALIDATION: Errors = {422: ("missing_field", "invalid_request")}  # takes parameters or a body
# A POST (or PUT) under /api/: the cross-site guard, the rate limit and the body limit answer before the route runs.
POST: Errors = {
    400: ("bad_request",),  # a body that cannot be read (malformed JSON or multipart)
    403: ("cross_site_request",),
    408: ("body_timeout",),
    413: ("file_too_large",),
    429: ("rate_limited",),
    **VALIDATION,
}
UPLOAD: Errors = {  # a photo uploaded, then decoded in the inference pool
    **POST,
    400: ("empty_file", "bad_request"),
    415: ("unsupported_format",),
    422: ("image_too_small", "too_many_pixels", "corrupt_image", "missing_field", "invalid_request"),
    503: ("busy", "model_unavailable"),
    507: ("storage_full",),
}
SIGNED_IN: Errors = {401: ("authentication_required", "invalid_token"), 503: ("provider_unavailable",)}


def errors(*groups: Errors) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=`: each error status it may give, as problem+json, naming its codes."""
    codes: dict[int, set[str]] = {}
    for group in groups:
        for status, named in group.items():
            codes.setdefault(status, set()).update(named)
    return {
        status: {
            "model": Problem,
            "content": {
                MEDIA_TYPE: {
                    "schema": {"$ref": "#/components/schemas/Problem"},
                    "examples": {code: {"value": example(status, code)} for code in sorted(named)},
                }
            },
            "description": f"{HTTPStatus(status).phrase}: code {', '.join(sorted(named))}",
        }
        for status, named in sorted(codes.items())
    }


def example(status: int, code: str) -> dict[str, object]:
    """What a client receives for `code` (its `detail` varies with the case)."""
    return {
        "type": PROBLEM_TYPE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": "Why, in plain words.",
        "code": code,
    }


def problem(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, messages: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, object] = {
        "type": PROBLEM_TYPE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if messages:
        body["messages"] = messages
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_for(error: BasegunError) -> int:
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    return next((status for kind, status in STATUS_BY_TYPE if isinstance(error, kind)), 422)


def response_for(error: BasegunError) -> JSONResponse:
    """The answer to a Basegun error, wherever it is raised (a route, or a middleware before any route)."""
    messages = getattr(error, "messages", None)  # advice for the user, in French and English
    status = status_for(error)
    headers = {"retry-after": str(error.retry_after)} if isinstance(error, LimitReached) else None
    if status == 401:
        headers = {"www-authenticate": _challenge(error)}
    return problem(status, error.code, error.detail, headers=headers, messages=messages)


def _challenge(error: BasegunError) -> str:
    """RFC 6750: a bad token names its error; a missing one just asks for a token."""
    return 'Bearer error="invalid_token"' if isinstance(error, InvalidToken) else "Bearer"


async def _basegun_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BasegunError)
    return response_for(error)


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    missing = [".".join(str(p) for p in e["loc"][1:]) for e in error.errors() if e.get("type") == "missing"]
    if missing:
        return problem(422, "missing_field", f"Required field missing: {', '.join(missing)}.")
    fields = sorted({".".join(str(p) for p in e["loc"][1:]) for e in error.errors()})
    return problem(422, "invalid_request", f"Invalid value for: {', '.join(fields) or 'the request body'}.")


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = error.status_code
    headers = getattr(error, "headers", None)
    if status in (404, 405) and (allowed := allowed_methods(request)) and request.method not in allowed:
        status = 405
        others = {name: value for name, value in (headers or {}).items() if name.lower() != "allow"}
        headers = {**others, "allow": ", ".join(sorted(allowed))}
    code = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}.get(status, "http_error")
    detail = (
        error.detail if isinstance(error.detail, str) and status == error.status_code else HTTPStatus(status).phrase
    )
    if status == 400:
        detail = "The request could not be read (a malformed upload?)."
    return problem(status, code, detail, headers=headers)


METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> set[str]:
    """The methods the API takes at this path. The web app's files, mounted at `/`, answer any path no route takes
    with the method asked: a wrong method on an API path would be told 404, or 405 allowing GET and HEAD."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    return {
        method
        for method in METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    }


def internal_error() -> JSONResponse:
    """The answer to a bug: no exception text; the request id in the headers finds its one log line."""
    return problem(500, "internal_error", "An unexpected error occurred; it has been logged.")


def install(app: FastAPI) -> None:
    """Unexpected exceptions are answered (and logged once, with the request id) by `RequestContext`."""
    app.add_exception_handler(BasegunError, _basegun_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            problems_only(build())
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def problems_only(document: dict[str, Any]) -> None:
    """An error is answered as problem+json only: FastAPI also lists the route's own type for a response that names
    a model, and documents its own validation error (422) where `_validation_error` answers a problem."""
    validation = errors(VALIDATION)[422]
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            responses = operation.get("responses", {})
            for status, response in responses.items():
                content = response.get("content", {})
                if status == "422" and MEDIA_TYPE not in content:
                    responses[status] = {key: value for key, value in validation.items() if key != "model"}
                elif status[0] in "45" and MEDIA_TYPE in content:
                    content.pop("application/json", None)
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
