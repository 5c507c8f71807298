"""The errors Basegun raises: each has a stable machine-readable code and a plain message.

The core never speaks HTTP; `api/problems.py` maps each type to a status once.
"""

from __future__ import annotations


class BasegunError(Exception):
    """Base of every error Basegun reports to a user; `code` is stable, `detail` is for people."""

    code: str = "error"

    def __init__(self, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class ImageRejected(BasegunError):
    """The uploaded file cannot be used as a photo (format, size, corruption)."""


class ImageTooLarge(ImageRejected):
    """The file is over the byte limit."""

    code = "file_too_large"


class UnsupportedImage(ImageRejected):
    """The file is not an image, or not one of the formats Basegun reads."""

    code = "unsupported_format"


class InvalidRequest(BasegunError):
    """A request is well formed but asks for something that does not exist or makes no sense."""

    code = "invalid_request"


class NotFound(BasegunError):
    """A typology, result or batch that does not exist."""

    code = "not_found"


class ModelUnavailable(BasegunError):
    """A model is missing, corrupt, or not loaded yet."""

    code = "model_unavailable"


class MeasurementRefused(BasegunError):
    """A photo cannot be measured, and `code` says why (no card, no weapon, a card too small or tilted…).

    `detail` is the English text; `messages` carries the same advice as `{"fr": ..., "en": ...}` for the user.
    """

    code = "measurement_refused"

    def __init__(self, code: str, messages: dict[str, str]) -> None:
        super().__init__(messages["en"], code=code)
        self.messages = messages


class BatchRejected(BasegunError):
    """A batch upload cannot be taken as a whole: not a zip, a zip bomb, too many photos, nothing to read.

    Single bad entries are not errors: they are skipped and listed in the report with their reason.
    """

    code = "batch_rejected"


class BatchNotReady(BasegunError):
    """A batch's report was asked for before the batch finished (or after it was interrupted)."""

    code = "batch_not_ready"


class LimitReached(BasegunError):
    """The service, or this client, is at a limit for now: the same request may succeed after `retry_after` seconds."""

    code = "busy"

    def __init__(self, detail: str, code: str | None = None, retry_after: int = 5) -> None:
        super().__init__(detail, code)
        self.retry_after = retry_after


class ClientLimitReached(LimitReached):
    """This client sends more than its share: too many requests, or too many batches still open."""

    code = "rate_limited"


class StorageFull(BasegunError):
    """The data folder is at its quota, or the disk under it nearly full: nothing new is accepted."""

    code = "storage_full"


class InvalidToken(BasegunError):
    """A bearer token that cannot be trusted: bad signature, unknown key, expired, another issuer or audience."""

    code = "invalid_token"


class AuthenticationRequired(BasegunError):
    """The route is for signed-in agents or experts, and the request carries no token."""

    code = "authentication_required"


class Forbidden(BasegunError):
    """The signed-in user lacks the role the route needs, or the thing asked for is someone else's."""

    code = "forbidden"


class Conflict(BasegunError):
    """The request clashes with the thing's state: an expert request answered already."""

    code = "conflict"


class StoreUnavailable(BasegunError):
    """The object store (a folder, or an S3 bucket) cannot be reached or refused the operation."""

    code = "store_unavailable"
