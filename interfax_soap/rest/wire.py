"""The REST face's response conventions: ``text/json``, .NET dates and decimal scale, the
error body ``{code, message, moreInfo}`` and the HTTP status of each outcome, in one place."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from interfax_soap.engine.codes import ResultCode

__all__ = [
    "JSON_TYPE",
    "MIN_DATE",
    "Reply",
    "ApiError",
    "dumps",
    "net_date",
    "scaled",
    "error_for",
    "json_reply",
]

# Exactly this, without parameters: Ruby, PHP and Node decode JSON only for this header value.
JSON_TYPE = "text/json"
MIN_DATE = "0001-01-01T00:00:00"


@dataclasses.dataclass(frozen=True)
class Reply:
    """What a handler answers: status, body, its type and extra headers (e.g. Location)."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


class ApiError(Exception):
    """An answer other than success: HTTP status plus the JSON error body."""

    def __init__(self, status: int, code: int, message: str, more_info: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.more_info = more_info

    def reply(self) -> Reply:
        body = {"code": self.code, "message": self.message, "moreInfo": self.more_info}
        return Reply(self.status, dumps(body), JSON_TYPE)


def dumps(value: Any) -> bytes:
    """Compact JSON as WCF writes it; Decimals keep their scale (``1.00``, ``0.1500``)."""
    return _dump(value).encode("utf-8")


def _dump(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def net_date(value: dt.datetime | None) -> str:
    """``yyyy-MM-ddTHH:mm:ss`` in UTC, no zone, no fraction; unset is .NET's minimum date."""
    if value is None:
        return MIN_DATE
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def scaled(value: Decimal | int | float, places: int) -> Decimal:
    """A decimal written with exactly ``places`` decimals (units 2, cost and balance 4)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places))


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, dumps(value), JSON_TYPE)


# Status and message per engine outcome. Messages pinned by recorded traffic (REST-FACTS
# 1.4) are used verbatim; the others are the registry's descriptions.
_ERRORS: dict[ResultCode, tuple[int, str | None]] = {
    ResultCode.AUTHENTICATION_FAILED: (401, "Authentication failed"),
    ResultCode.USER_LOCKED: (403, None),
    ResultCode.NO_SUCH_TRANSACTION: (404, "Fax resource not found"),
    ResultCode.WRONG_SESSION: (404, "Wrong uploaded document resource"),
    ResultCode.INVALID_MESSAGE_ID: (
        404,
        "Invalid MessageID or User is not authorized to access message",
    ),
    ResultCode.NOT_USERS_TRANSACTION: (
        404,
        "Invalid MessageID or User is not authorized to access message",
    ),
    ResultCode.CANNOT_CANCEL: (409, "Transaction is in a wrong status for this operation"),
    ResultCode.IMAGE_NOT_AVAILABLE: (404, None),
    ResultCode.IMAGE_DOES_NOT_EXIST: (404, None),
    ResultCode.EMPTY_TIFF: (404, None),
    ResultCode.BAD_FILE_TYPE: (415, None),
    ResultCode.UPLOAD_TOO_BIG: (413, None),
    ResultCode.NO_VALID_RECIPIENT: (400, None),
    ResultCode.NO_DOCUMENT: (400, None),
    ResultCode.POSTPONE_TOO_FAR: (400, None),
    ResultCode.BAD_VERB: (400, "Invalid parameter value"),
    ResultCode.BAD_FILE_SIZE: (400, None),
    ResultCode.MISSING_CHUNK: (400, None),
    ResultCode.NOT_PRIMARY_USER: (403, None),
    ResultCode.NO_PERMISSION: (403, None),
    ResultCode.ALREADY_RESENT: (409, None),
    ResultCode.TOO_MANY_REQUESTS: (429, None),
}


def error_for(
    code: ResultCode, more_info: str | None = None, status: int | None = None
) -> ApiError:
    """The REST error for an engine outcome (unlisted codes: 400, or 500 for -150)."""
    default_status = 500 if code == ResultCode.INTERNAL_ERROR else 400
    mapped_status, message = _ERRORS.get(code, (default_status, None))
    # The registry's descriptions have no final period; InterFAX's REST messages neither.
    return ApiError(status or mapped_status, int(code), message or code.description, more_info)
