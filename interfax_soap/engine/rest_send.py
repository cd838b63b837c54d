"""Sending through the REST face: documents given inline, as upload-session references or as
web URLs, submitted through the same engine path as every other send."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Sequence

from interfax_soap.engine.accounts import Caller
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.documents import DocumentSessions, ResolvedDocument
from interfax_soap.engine.mediatypes import file_type_for
from interfax_soap.engine.outbound import Outbound, SendRequest, Submission
from interfax_soap.engine.rest_records import Fetched

__all__ = ["DocumentPart", "Fetched", "RestSender", "SendOutcome"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class DocumentPart:
    """One document of a send, in order: bytes with their type, or a reference."""

    data: bytes = b""
    content_type: str | None = None
    name: str | None = None
    document_id: str | None = None  # an upload session (``.../outbound/documents/{id}``)
    url: str | None = None  # a web page or file to fetch

    @property
    def is_empty(self) -> bool:
        return not self.data and self.document_id is None and not self.url


@dataclasses.dataclass(frozen=True)
class SendOutcome:
    submission: Submission
    reason: str = ""

    @property
    def code(self) -> ResultCode:
        return self.submission.code


Fetcher = Callable[[str], Awaitable[Fetched]]


class RestSender:
    """Turns a REST send's parts into documents and submits them.

    Args:
        fetch: fetches a web URL (None: URLs are refused, ``[rest] fetch_urls`` is off).
    """

    def __init__(
        self, outbound: Outbound, documents: DocumentSessions, fetch: Fetcher | None = None
    ) -> None:
        self._outbound = outbound
        self._documents = documents
        self._fetch = fetch

    async def send(
        self, caller: Caller, request: SendRequest, parts: Sequence[DocumentPart]
    ) -> SendOutcome:
        """Submits a fax (or a batch, for several numbers) with the parts' documents.

        Returns NO_VALID_RECIPIENT, NO_DOCUMENT (no part with content), WRONG_SESSION (a
        reference to a document that is unknown, incomplete or not the caller's),
        BAD_FILE_TYPE, POSTPONE_TOO_FAR, or OK with the new TransactionID. Single-use
        documents are used up by a successful send.
        """
        if not (request.fax_numbers or "").strip():
            return SendOutcome(Submission(ResultCode.NO_VALID_RECIPIENT))
        parts = [p for p in parts if not p.is_empty]
        if not parts:
            return SendOutcome(
                Submission(ResultCode.NO_DOCUMENT), "the request carries no document"
            )
        documents: list[tuple[bytes, str]] = []
        referenced: list[ResolvedDocument] = []
        for part in parts:
            if part.document_id is not None:
                resolved = await self._documents.resolve(caller, part.document_id)
                if resolved is None:
                    return SendOutcome(
                        Submission(ResultCode.WRONG_SESSION),
                        f"document {part.document_id} cannot be used",
                    )
                referenced.append(resolved)
                documents.append((resolved.data, resolved.file_type))
            elif part.url:
                fetched = await self._fetched(part.url)
                if fetched.data is None:
                    return SendOutcome(Submission(ResultCode.NO_DOCUMENT), fetched.reason)
                kind = file_type_for(fetched.content_type, part.url.split("?")[0], fetched.data)
                documents.append((fetched.data, kind))
            else:
                documents.append(
                    (part.data, file_type_for(part.content_type, part.name, part.data))
                )
        single_use = [d for d in referenced if d.disposition == "SingleUse"]
        submission = await self._outbound.submit_documents(
            caller, request, tuple(documents), single_use[0].record if single_use else None
        )
        if submission.code == ResultCode.OK:
            await self._documents.used(referenced)
        return SendOutcome(submission)

    async def _fetched(self, url: str) -> Fetched:
        if self._fetch is None:
            return Fetched(None, reason="fetching documents from web URLs is not enabled here")
        fetched = await self._fetch(url)
        if fetched.data is None or not fetched.data:
            return Fetched(None, reason=fetched.reason or f"{url} gave no document")
        return fetched
