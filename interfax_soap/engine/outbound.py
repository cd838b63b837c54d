"""Outbound use cases: submitting faxes (single, multi-document, batches) and cancelling."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from typing import Any

from interfax_soap.engine.accounts import Accounts, Caller, Credentials
from interfax_soap.engine.clock import Clock, utcnow
from interfax_soap.engine.codes import FaxStatus, ResultCode
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.packing import normalise_file_type, unpack
from interfax_soap.engine.ports import Blobs, Store
from interfax_soap.engine.records import NewDocument, NewFax, UploadRecord
from interfax_soap.engine.uploads import Uploads, split_session

__all__ = ["Outbound", "Submission", "SubmitPolicy", "SendRequest", "Letter"]

logger = logging.getLogger(__name__)

MAX_POSTPONE = dt.timedelta(days=30)
MAX_RECIPIENTS = 20_000
PAGE_SIZES = {"a4": "A4", "letter": "Letter", "legal": "Legal", "b4": "B4"}
ORIENTATIONS = {"portrait": "Portrait", "landscape": "Landscape"}


@dataclasses.dataclass(frozen=True)
class SubmitPolicy:
    default_country: str = ""
    supported_file_types: Collection[str] = ("TXT",)


@dataclasses.dataclass(frozen=True)
class Submission:
    """The answer to a send: a positive TransactionID, or a negative ResultCode."""

    code: ResultCode
    transaction_id: int = 0

    @property
    def wire_value(self) -> int:
        return self.transaction_id if self.code == ResultCode.OK else int(self.code)


@dataclasses.dataclass(frozen=True)
class SendRequest:
    """SendfaxEx_2's parameters (SendfaxEx uses a subset), in engine spelling."""

    fax_numbers: str | None
    files_data: bytes | None
    file_types: str | None
    file_sizes: str | None
    contacts: str | None = None
    postpone: dt.datetime | None = None  # naive = in the caller's zone; None = now
    retries_to_perform: int = 0  # 0 = the user's default
    csid: str | None = None
    page_header: str | None = None
    job_id: str | None = None
    subject: str | None = None
    reply_address: str | None = None
    page_size: str | None = None
    page_orientation: str | None = None
    fine: bool = False
    fine_rendering: bool = False


@dataclasses.dataclass(frozen=True)
class Letter:
    """One recipient's own document (a mail merge row)."""

    fax_number: str
    contact: str
    document: bytes
    file_type: str


@dataclasses.dataclass(frozen=True)
class _Options:
    """What every transaction of one submission shares."""

    postpone_time: dt.datetime | None = None
    retries_to_perform: int = 0
    csid: str = ""
    page_header: str = ""
    job_id: str = ""
    subject: str = ""
    reply_address: str = ""
    page_size: str = "A4"
    page_orientation: str = "Portrait"
    fine: bool = False
    fine_rendering: bool = False


class Outbound:
    """Submitting and cancelling outbound faxes, for every wire."""

    def __init__(
        self,
        store: Store,
        blobs: Blobs,
        accounts: Accounts,
        clock: Clock,
        policy: SubmitPolicy,
        uploads: Uploads | None = None,
        wake_worker: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._blobs = blobs
        self._accounts = accounts
        self._clock = clock
        self._policy = policy
        self._uploads = uploads
        self._wake_worker = wake_worker

    @property
    def supported_file_types(self) -> Collection[str]:
        return self._policy.supported_file_types

    def is_supported(self, token: str | None) -> bool:
        """IsSupportedFileType: a named type this installation renders (empty is not one)."""
        return bool((token or "").strip()) and self._file_type(token) is not None

    def _file_type(self, token: str | None) -> str | None:
        return normalise_file_type(token, self._policy.supported_file_types)

    async def send_char_fax(
        self, credentials: Credentials, fax_number: str | None, data: str | None,
        file_type: str | None,
    ) -> Submission:
        """SendCharFax: one text document (``Data``) to one number.

        Checks in CONVENTIONS.md order: file type (-1004), credentials (-1003/-1876),
        recipient (-112), document (-123).
        """
        return await self.send_fax(
            credentials, fax_number, data.encode("utf-8") if data else None, file_type
        )

    async def send_fax(
        self, credentials: Credentials, fax_number: str | None, data: bytes | None,
        file_type: str | None,
    ) -> Submission:
        """Sendfax: one binary document to one number (empty FileType means TXT)."""
        kind = self._file_type(file_type)
        if kind is None:
            return Submission(ResultCode.BAD_FILE_TYPE)
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return Submission(auth.code)
        destination = canonical_fax_number(fax_number, self._policy.default_country)
        if destination is None:
            return Submission(ResultCode.NO_VALID_RECIPIENT)
        if not data:
            return Submission(ResultCode.NO_DOCUMENT)
        options = self._options(auth.caller, SendRequest(None, None, None, None))
        return await self._submit(auth.caller, [(destination, "")], [(data, kind)], options)

    async def send_fax_ex_2(self, credentials: Credentials, request: SendRequest) -> Submission:
        """SendfaxEx_2 (and SendfaxEx): several documents to one or several numbers.

        Several ``;``-separated numbers make a batch: one transaction per number, all
        sharing the first one's TransactionID as ParentTransactionID, which is returned.
        A ``FileSizes`` ending in ``/sessionID=<id>`` takes the documents from that chunk
        upload (FilesData is then ignored) and uses the session up.
        """
        sizes, session_id = split_session(request.file_sizes)
        files_data = request.files_data
        upload = None
        if session_id is not None and self._uploads is not None:
            loaded = await self._uploads.load(session_id)
            upload, files_data = loaded if loaded else (None, b"")
        unpacked = unpack(files_data, request.file_types, sizes, self._policy.supported_file_types)
        if session_id is not None and upload is None and unpacked.code in (
            ResultCode.OK, ResultCode.SIZES_DATA_MISMATCH
        ):
            return Submission(ResultCode.WRONG_SESSION)
        if unpacked.code != ResultCode.OK:
            return Submission(unpacked.code)
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return Submission(auth.code)
        if upload is not None and upload.user_id != auth.caller.user_id:
            return Submission(ResultCode.WRONG_SESSION)
        return await self.submit_documents(auth.caller, request, unpacked.documents, upload)

    async def submit_documents(
        self,
        caller: Caller,
        request: SendRequest,
        documents: tuple[tuple[bytes, str], ...],
        upload: UploadRecord | None = None,
    ) -> Submission:
        """Submits documents already unpacked for an authenticated caller (SOAP sends after
        their packing checks, the mail gateway, REST): recipients (-112), documents (-123),
        postpone (-114), in that order."""
        recipients = self._recipients(request.fax_numbers, request.contacts)
        if recipients is None:
            return Submission(ResultCode.NO_VALID_RECIPIENT)
        if not documents:
            return Submission(ResultCode.NO_DOCUMENT)
        if any(self._file_type(kind) is None for _, kind in documents):
            return Submission(ResultCode.BAD_FILE_TYPE)
        options = self._options(caller, request)
        now = utcnow(self._clock)
        if options.postpone_time is not None and options.postpone_time > now + MAX_POSTPONE:
            return Submission(ResultCode.POSTPONE_TOO_FAR)
        if options.postpone_time is not None and options.postpone_time <= now:
            options = dataclasses.replace(options, postpone_time=None)  # past means now
        return await self._submit(caller, recipients, list(documents), options, upload)

    async def submit_letters(
        self, caller: Caller, request: SendRequest, letters: Sequence[Letter]
    ) -> Submission:
        """Submits one document of its own per recipient, as one batch (SendWordMailMerge:
        one fax per row); the first letter's TransactionID is the batch's. ``request`` gives
        the options shared by every fax (its numbers and documents are not used). Checks:
        recipients (-112), documents (-123), file types (-1004), postpone (-114)."""
        if not letters or len(letters) > MAX_RECIPIENTS:
            return Submission(ResultCode.NO_VALID_RECIPIENT)
        default_country = self._policy.default_country
        destinations = [
            canonical_fax_number(letter.fax_number, default_country) for letter in letters
        ]
        if any(destination is None for destination in destinations):
            return Submission(ResultCode.NO_VALID_RECIPIENT)
        if any(not letter.document for letter in letters):
            return Submission(ResultCode.NO_DOCUMENT)
        if any(self._file_type(letter.file_type) is None for letter in letters):
            return Submission(ResultCode.BAD_FILE_TYPE)
        options = self._options(caller, request)
        now = utcnow(self._clock)
        if options.postpone_time is not None and options.postpone_time > now + MAX_POSTPONE:
            return Submission(ResultCode.POSTPONE_TOO_FAR)
        if options.postpone_time is not None and options.postpone_time <= now:
            options = dataclasses.replace(options, postpone_time=None)  # past means now
        faxes = []
        for letter, destination in zip(letters, destinations, strict=True):
            key = self._blobs.new_key(letter.file_type.lower())
            await self._store.run(self._blobs.put, key, letter.document)
            document = NewDocument(
                file_type=letter.file_type, blob_key=key, size=len(letter.document)
            )
            faxes.append(
                NewFax(
                    user_id=caller.user_id, destination_fax=str(destination),
                    status=int(FaxStatus.PREPROCESSING), submit_time=now,
                    postpone_time=options.postpone_time, contact=letter.contact[:255],
                    subject=options.subject, reply_email=options.reply_address,
                    sender_csid=options.csid, page_header=options.page_header,
                    job_id=options.job_id, page_size=options.page_size,
                    page_orientation=options.page_orientation, fine=options.fine,
                    fine_rendering=options.fine_rendering,
                    retries_to_perform=options.retries_to_perform, documents=(document,),
                )
            )
        transaction_id = await self._store.transaction(
            "submit_letters", lambda uow: _submit_txn(uow, faxes)
        )
        logger.info(
            "transaction %s submitted by %s (%d letters)",
            transaction_id, caller.user.username, len(faxes),
        )
        self._wake_worker()
        return Submission(ResultCode.OK, transaction_id)

    def _recipients(
        self, fax_numbers: str | None, contacts: str | None
    ) -> list[tuple[str, str]] | None:
        """(canonical number, contact) per recipient; None when any number is unusable."""
        numbers = [n for n in (fax_numbers or "").split(";") if n.strip()]
        names = (contacts or "").split(";")
        if not numbers or len(numbers) > MAX_RECIPIENTS:
            return None
        recipients = []
        for index, number in enumerate(numbers):
            destination = canonical_fax_number(number, self._policy.default_country)
            if destination is None:
                return None
            contact = names[index].strip() if index < len(names) else ""
            recipients.append((destination, contact))
        return recipients

    def _options(self, caller: Caller, request: SendRequest) -> _Options:
        """Request values with the user's defaults filled in; dates to UTC."""
        postpone = request.postpone
        if postpone is not None and postpone.tzinfo is None:
            postpone = postpone.replace(tzinfo=caller.tz)
        try:
            postpone_utc = postpone.astimezone(dt.UTC) if postpone else None
        except OverflowError:  # the last hours of year 9999 west of UTC: far in the future
            postpone_utc = dt.datetime.max.replace(tzinfo=dt.UTC)
        retries = request.retries_to_perform
        return _Options(
            postpone_time=postpone_utc,
            retries_to_perform=retries if 0 < retries <= 20 else caller.user.default_retries,
            csid=(request.csid or caller.user.csid or "")[:20],
            page_header=(request.page_header or caller.user.page_header or "")[:255],
            job_id=(request.job_id or "")[:255],
            subject=(request.subject or "")[:255],
            reply_address=(request.reply_address or caller.user.reply_address or "")[:255],
            # The user's defaults (account web settings) apply when the request names none.
            page_size=PAGE_SIZES.get(
                (request.page_size or "").strip().lower(), caller.user.page_size or "A4"
            ),
            page_orientation=ORIENTATIONS.get(
                (request.page_orientation or "").strip().lower(),
                caller.user.page_orientation or "Portrait",
            ),
            fine=request.fine,
            fine_rendering=request.fine_rendering,
        )

    async def _submit(
        self,
        caller: Caller,
        recipients: list[tuple[str, str]],
        documents: list[tuple[bytes, str]],
        options: _Options,
        upload: UploadRecord | None = None,
    ) -> Submission:
        stored = []
        for content, kind in documents:
            key = self._blobs.new_key(kind.lower())
            await self._store.run(self._blobs.put, key, content)
            stored.append(NewDocument(file_type=kind, blob_key=key, size=len(content)))
        now = utcnow(self._clock)
        faxes = [
            NewFax(
                user_id=caller.user_id,
                destination_fax=destination,
                status=int(FaxStatus.PREPROCESSING),
                submit_time=now,
                postpone_time=options.postpone_time,
                contact=contact[:255],
                subject=options.subject,
                reply_email=options.reply_address,
                sender_csid=options.csid,
                page_header=options.page_header,
                job_id=options.job_id,
                page_size=options.page_size,
                page_orientation=options.page_orientation,
                fine=options.fine,
                fine_rendering=options.fine_rendering,
                retries_to_perform=options.retries_to_perform,
                documents=tuple(stored),
            )
            for destination, contact in recipients
        ]
        uploads = self._uploads

        def txn(uow: Any) -> int | None:
            # The upload is used up in the same transaction that stores the faxes: a session
            # sends once, even when two sends race for it.
            if upload is not None and uploads is not None:
                if uploads.consume_txn(uow, upload.session_id) is None:
                    return None
            return _submit_txn(uow, faxes)

        transaction_id = await self._store.transaction("submit_faxes", txn)
        if transaction_id is None:
            for document in stored:
                await self._store.run(self._blobs.delete, document.blob_key)
            return Submission(ResultCode.WRONG_SESSION)
        if upload is not None and uploads is not None:
            await uploads.discard_blob(upload)
        logger.info(
            "transaction %s submitted by %s (%d recipients, %d documents)",
            transaction_id, caller.user.username, len(faxes), len(stored),
        )
        self._wake_worker()
        return Submission(ResultCode.OK, transaction_id)


def _submit_txn(uow: Any, faxes: list[NewFax]) -> int:
    """Stores a submission; several destinations form a batch under the first one's ID."""
    parent = uow.faxes.add(faxes[0])
    for fax in faxes[1:]:
        uow.faxes.add(fax, parent_transaction_id=parent)
    return int(parent)
