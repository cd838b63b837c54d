"""InterFAX's numeric codes: web-service result codes and fax transaction statuses.

This is the single registry. Product code names codes through these enums; tests assert the
literal numbers clients see, so a wrong value here is caught.
"""

from __future__ import annotations

import enum

__all__ = ["ResultCode", "FaxStatus", "is_final", "describe_result_code", "all_result_codes"]


class _Described(enum.IntEnum):
    """An IntEnum whose members carry InterFAX's description text."""

    description: str

    def __new__(cls, value: int, description: str = "") -> _Described:
        member = int.__new__(cls, value)
        member._value_ = value
        member.description = description
        return member


class ResultCode(_Described):
    """Values of ``*Result`` / ``ResultCode`` returned by the web services (API-FACTS §4)."""

    OK = 0, "OK"
    NOT_DESIGNATED_TEST_NUMBER = -111, "Developer account: number is not the designated test fax number"
    NO_VALID_RECIPIENT = -112, "No valid recipient / missing fax number"
    POSTPONE_TOO_FAR = -114, "Postpone time is more than 30 days ahead"
    NO_DOCUMENT = -123, "No valid document attached"
    INTERNAL_ERROR = -150, "Internal system error"
    NOT_PRIMARY_USER = -310, "Caller is not allowed to act on the requested user"
    NOT_USERS_TRANSACTION = -311, "Transaction does not belong to the requested user"
    ALREADY_RESENT = -312, "E-mail(s) already resent"
    NO_OUTBOUND_SERVICE = -677, "User has no outbound service"
    NO_RESULT_REQUESTED = -710, "ReturnItems and ReturnStats are both false"
    TYPES_SIZES_MISMATCH = -1002, "Number of file types does not match number of file sizes"
    AUTHENTICATION_FAILED = -1003, "Authentication error (bad username or password)"
    BAD_FILE_TYPE = -1004, "Missing or unsupported file type"
    NO_SUCH_TRANSACTION = -1005, "Transaction does not exist"
    BAD_FILE_SIZE = -1007, "File size is not numeric, not positive, or the data is empty"
    SIZES_DATA_MISMATCH = -1008, "Sum of file sizes does not match the length of the data"
    IMAGE_NOT_AVAILABLE = -1009, "Image not available"
    TOO_MANY_REQUESTS = -1011, "Too many requests"
    BAD_VERB = -1030, "Invalid Verb or VerbData"
    TOO_MANY_ATTACHMENTS = -1059, "More file types than the allowed number of attachments"
    MISSING_CHUNK = -1061, "Missing chunk"
    WRONG_SESSION = -1062, "Wrong session ID"
    UPLOAD_TOO_BIG = -1063, "Total file size too big"
    CANNOT_CANCEL = -162, "The fax is already being sent or has finished"
    USER_LOCKED = -1876, "Too many failed logins; user blocked"
    INVALID_MESSAGE_ID = -3001, "Invalid MessageID"
    FROM_BEYOND_SIZE = -3002, "From is larger than the image size"
    IMAGE_DOES_NOT_EXIST = -3003, "Image does not exist"
    EMPTY_TIFF = -3004, "TIFF file is empty"
    BAD_CHUNK_SIZE = -3005, "Chunk size is invalid"
    BAD_MAX_ITEMS = -3006, "MaxItems is smaller than 1"
    NO_PERMISSION = -3007, "No permission"


class FaxStatus(_Described):
    """Values of a transaction's ``Status`` (API-FACTS §5): negative in progress, 0 sent,
    positive failed."""

    PREPROCESSING = -1, "Pre-processing"
    QUEUED = -2, "Ready, queued for sending"
    SENDING = -3, "Sending, or waiting for the next retry"
    OUT_OF_CREDIT = -22, "Out of credit, waiting for top-up"
    OK = 0, "OK"
    INTERNAL_ERROR = 1, "Internal error"
    BUSY_LEGACY = 263, "Busy"
    CANCELLED = 403, "Fax cancelled manually"
    LINE_ERROR_AFTER_PAGE = 3268, "Transmission error after a page break"
    VOICE_ANSWERED = 3936, "Human voice answered"
    NOT_OPERATIONAL = 6001, "Number not operational"
    BUSY = 6017, "Busy"
    NO_ANSWER = 6018, "No answer"
    INCOMPATIBLE_DESTINATION = 6088, "Incompatible destination"
    RENDERING_ERROR = 204000, "Document conversion error"
    DOCUMENT_TOO_LARGE = 204001, "Document over the limits"
    CREDIT_DEPLETED = 205000, "Prepaid credit depleted"


def is_final(status: int) -> bool:
    """True when a transaction status will not change any more (0 or a failure code)."""
    return status >= 0


def describe_result_code(code: int) -> str:
    """GetErrorDescription: InterFAX's text for a result code."""
    try:
        return ResultCode(code).description
    except ValueError:
        return f"Unknown error code {code}"


def all_result_codes() -> list[tuple[int, str]]:
    """GetAllErrorCodes: every result code, with its description, in numeric order."""
    return sorted((int(code), code.description) for code in ResultCode)
