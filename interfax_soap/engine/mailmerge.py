"""SendWordMailMerge: a DOCX whose MERGEFIELDs name columns of a list (CSV or XLSX), one fax
per row, all in one batch. The input formats are our design (README "Word mail merge").

The merge itself is pure and blocking (it runs in a thread): ``prepare_merge`` reads the
list, the options and the template and returns one letter per row.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import logging
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from xml.dom import minidom
from xml.sax.saxutils import escape

from defusedxml import minidom as safe_minidom

from interfax_soap.engine.accounts import Accounts, Credentials
from interfax_soap.engine.codes import ResultCode
from interfax_soap.engine.numbers import canonical_fax_number
from interfax_soap.engine.outbound import MAX_RECIPIENTS, Letter, Outbound, SendRequest, Submission

__all__ = [
    "MailMerge",
    "MergeError",
    "MergeList",
    "DocxTemplate",
    "read_list",
    "parse_options",
    "prepare_merge",
    "field_key",
    "DOCX",
]

logger = logging.getLogger(__name__)

DOCX = "DOCX"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_MERGED_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_MAX_PART_BYTES = 32 * 1024 * 1024  # uncompressed size of one XML part
_MAX_DOCX_BYTES = 128 * 1024 * 1024  # uncompressed size of the whole template
_FIELD_TOKENS = re.compile(r'"([^"]*)"|(\S+)')


class MergeError(Exception):
    """Input that cannot be merged; ``code`` is the answer (-112, -123, -114)."""

    def __init__(self, code: ResultCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def field_key(name: str) -> str:
    """Column and field names match case-insensitively, ignoring spaces, underscores and
    character width (``ＦａｘＮｕｍｂｅｒ`` is ``FaxNumber``)."""
    return re.sub(r"[\s_]+", "", unicodedata.normalize("NFKC", name)).casefold()


# The list -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MergeList:
    """The rows of the list, each a mapping of ``field_key(column)`` to the cell's text."""

    columns: tuple[str, ...]
    rows: tuple[Mapping[str, str], ...]


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Shift_JIS (as Windows writes it, cp932)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MergeError(ResultCode.NO_VALID_RECIPIENT, "the list is neither UTF-8 nor Shift_JIS")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    """The first worksheet's cells as text (values, not formulas)."""
    import openpyxl  # defusedxml being installed, openpyxl parses with it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise MergeError(ResultCode.NO_VALID_RECIPIENT, f"unreadable XLSX: {exc}") from exc
    try:
        rows = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_RECIPIENTS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_list(data: bytes | None) -> MergeList:
    """Reads the recipient list: an XLSX (first sheet) or a CSV in UTF-8 or Shift_JIS.

    The first row names the columns; one column is ``FaxNumber``. A CSV is comma-separated
    (tab-separated when its header has tabs and no commas), quoted as RFC 4180. Empty rows
    and rows without a fax number are left out.

    Raises:
        MergeError: -112 for a list that cannot be read, has no FaxNumber column or no row.
    """
    if not data:
        raise MergeError(ResultCode.NO_VALID_RECIPIENT, "no list")
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(data)
    else:
        text = _decode(data)
        header_line = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in header_line and "," not in header_line else ","
        try:
            table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise MergeError(ResultCode.NO_VALID_RECIPIENT, f"unreadable CSV: {exc}") from exc
    if not table:
        raise MergeError(ResultCode.NO_VALID_RECIPIENT, "the list is empty")
    columns = tuple(cell.strip() for cell in table[0])
    keys = [field_key(column) for column in columns]
    if "faxnumber" not in keys:
        raise MergeError(ResultCode.NO_VALID_RECIPIENT, "the list has no FaxNumber column")
    rows = []
    for cells in table[1:]:
        row = {key: cells[i].strip() if i < len(cells) else "" for i, key in enumerate(keys) if key}
        if row.get("faxnumber"):
            rows.append(row)
    if not rows:
        raise MergeError(ResultCode.NO_VALID_RECIPIENT, "the list has no row with a fax number")
    if len(rows) > MAX_RECIPIENTS:
        raise MergeError(ResultCode.NO_VALID_RECIPIENT, "more rows than recipients allowed")
    return MergeList(columns, tuple(rows))


# The options ----------------------------------------------------------------------------

_TEXT_OPTIONS = {
    "subject": "subject",
    "csid": "csid",
    "pageheader": "page_header",
    "replyaddress": "reply_address",
    "jobid": "job_id",
    "pagesize": "page_size",
    "pageorientation": "page_orientation",
}
_FLAG_OPTIONS = {"ishighresolution": "fine", "isfinerendering": "fine_rendering"}


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on", "fine")


def parse_options(data: bytes | None) -> SendRequest:
    """Reads ``key=value`` lines (UTF-8; keys as SendfaxEx_2's parameter names, any case):
    Subject, CSID, PageHeader, ReplyAddress, JobID, PageSize, PageOrientation,
    IsHighResolution, IsFineRendering, RetriesToPerform, Postpone. Blank lines and lines
    starting with ``#`` are skipped; unknown keys are ignored.

    Raises:
        MergeError: -114 for a Postpone that is not an ISO date and time.
    """
    values: dict[str, Any] = {}
    text = (data or b"").decode("utf-8-sig", errors="replace")
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" not in line:
            continue
        raw_key, _, value = line.partition("=")
        key = field_key(raw_key)
        value = value.strip()
        if key in _TEXT_OPTIONS:
            values[_TEXT_OPTIONS[key]] = value
        elif key in _FLAG_OPTIONS:
            values[_FLAG_OPTIONS[key]] = _flag(value)
        elif key == "retriestoperform":
            values["retries_to_perform"] = int(value) if value.isdigit() else 0
        elif key == "postpone" and value:
            try:
                values["postpone"] = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
            except ValueError as exc:
                raise MergeError(ResultCode.POSTPONE_TOO_FAR, f"bad Postpone {value!r}") from exc
        else:
            logger.info("mail merge option %r ignored", raw_key.strip())
    return SendRequest(
        fax_numbers=None, files_data=None, file_types=None, file_sizes=None, **values
    )


# The document ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    case: str = ""  # Upper, Lower, Caps, FirstCap
    before: str = ""  # \b: text written before a non-empty value
    after: str = ""  # \f: text written after a non-empty value

    def text(self, row: Mapping[str, str]) -> str:
        value = row.get(field_key(self.name), "")
        if not value:
            return ""
        if self.case == "upper":
            value = value.upper()
        elif self.case == "lower":
            value = value.lower()
        elif self.case == "caps":
            value = " ".join(word[:1].upper() + word[1:] for word in value.split(" "))
        elif self.case == "firstcap":
            value = value[:1].upper() + value[1:]
        return self.before + value + self.after


def _merge_field(instruction: str) -> _Field | None:
    """A MERGEFIELD instruction (``MERGEFIELD "First Name" \\* Upper \\b "Dear "``)."""
    tokens = [bare or quoted for quoted, bare in _FIELD_TOKENS.findall(instruction)]
    if len(tokens) < 2 or tokens[0].upper() != "MERGEFIELD":
        return None
    field = _Field(name=tokens[1])
    index = 2
    while index < len(tokens):
        switch = tokens[index].lower()
        argument = tokens[index + 1] if index + 1 < len(tokens) else ""
        if switch == "\\*":
            if argument.lower() in ("upper", "lower", "caps", "firstcap"):
                field = dataclasses.replace(field, case=argument.lower())
            index += 2
        elif switch in ("\\b", "\\f"):
            key = "before" if switch == "\\b" else "after"
            field = dataclasses.replace(field, **{key: argument})
            index += 2
        elif switch in ("\\@", "\\#"):
            index += 2  # date and number pictures: the list's text is used as it is
        else:
            index += 1
    return field


class _PartMerger:
    """Replaces the MERGEFIELDs of one XML part by placeholders, once per template."""

    def __init__(self, document: minidom.Document, token: str) -> None:
        self.document = document
        self.token = token
        self.fields: list[_Field] = []

    def _placeholder(self, field: _Field, like: Any, prefix: str) -> Any:
        """A run ``<w:r><w:rPr/><w:t>token</w:t></w:r>`` formatted like the field's result."""
        run = self.document.createElementNS(W_NS, f"{prefix}r")
        if like is not None:
            for child in like.childNodes:
                if child.nodeType == child.ELEMENT_NODE and child.localName == "rPr":
                    run.appendChild(child.cloneNode(True))
                    break
        text = self.document.createElementNS(W_NS, f"{prefix}t")
        text.setAttributeNS(XML_NS, "xml:space", "preserve")
        text.appendChild(self.document.createTextNode(f"{self.token}{len(self.fields)}\ue001"))
        run.appendChild(text)
        self.fields.append(field)
        return run

    def simple_fields(self) -> None:
        element: Any
        for element in list(self.document.getElementsByTagNameNS(W_NS, "fldSimple")):
            field = _merge_field(element.getAttributeNS(W_NS, "instr"))
            if field is None:
                continue
            runs = element.getElementsByTagNameNS(W_NS, "r")
            prefix = element.prefix + ":" if element.prefix else ""
            element.parentNode.replaceChild(
                self._placeholder(field, runs[0] if runs else None, prefix), element
            )

    def complex_fields(self) -> None:
        """``fldChar begin``, ``instrText``..., ``separate``, result runs, ``end``."""
        stack: list[dict[str, Any]] = []
        for run in list(self.document.getElementsByTagNameNS(W_NS, "r")):
            kinds = [
                (child.localName, child)
                for child in run.childNodes
                if child.nodeType == child.ELEMENT_NODE and child.namespaceURI == W_NS
            ]
            marks = [c.getAttributeNS(W_NS, "fldCharType") for k, c in kinds if k == "fldChar"]
            if "begin" in marks:
                stack.append({"runs": [run], "instr": "", "result": None})
                continue
            if not stack:
                continue
            top = stack[-1]
            top["runs"].append(run)
            for kind, child in kinds:
                if kind == "instrText":
                    top["instr"] += "".join(
                        n.data for n in child.childNodes if n.nodeType == n.TEXT_NODE
                    )
            if "separate" in marks:
                top["result"] = []
            elif "end" in marks:
                stack.pop()
                self._close(top, stack[-1] if stack else None)
            elif top["result"] is not None:
                top["result"].append(run)

    def _close(self, field_runs: dict[str, Any], parent: dict[str, Any] | None) -> None:
        field = _merge_field(field_runs["instr"])
        runs = field_runs["runs"]
        if field is None:
            if parent is not None:
                parent["runs"].extend(runs)
            return
        first = runs[0]
        like = field_runs["result"][0] if field_runs["result"] else first
        prefix = first.prefix + ":" if first.prefix else ""
        placeholder = self._placeholder(field, like, prefix)
        first.parentNode.insertBefore(placeholder, first)
        for run in runs:
            if run.parentNode is not None:
                run.parentNode.removeChild(run)
        if parent is not None:
            parent["runs"].append(placeholder)


def _value_xml(text: str) -> str:
    """A value inside ``<w:t>``: line breaks and tabs become Word's own elements."""
    escaped = escape(text)
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n")
    escaped = escaped.replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    return escaped.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')


class DocxTemplate:
    """A DOCX prepared once: its merge fields found, then filled per row.

    Raises:
        MergeError: -123 when the document is not a DOCX (a ZIP with word/document.xml).
    """

    def __init__(self, data: bytes | None) -> None:
        self._token = f"\ue000{secrets.token_hex(4)}:"
        self._pattern = re.compile(re.escape(self._token) + r"(\d+)\ue001")
        self._entries: list[tuple[zipfile.ZipInfo, bytes]] = []
        self._parts: dict[str, tuple[str, list[_Field]]] = {}
        try:
            self._load(data or b"")
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
            raise MergeError(ResultCode.NO_DOCUMENT, f"not a DOCX: {exc}") from exc
        except Exception as exc:  # XML errors, refused DTDs (defusedxml)
            raise MergeError(ResultCode.NO_DOCUMENT, f"not a DOCX: {exc}") from exc

    def _load(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                raise ValueError("no word/document.xml")
            if sum(info.file_size for info in infos) > _MAX_DOCX_BYTES:
                raise ValueError("too large")
            for info in infos:
                content = archive.read(info)
                if _MERGED_PARTS.match(info.filename) and len(content) <= _MAX_PART_BYTES:
                    self._parts[info.filename] = self._prepare(content)
                elif info.filename == "word/settings.xml":
                    content = _without_mail_merge(content)
                self._entries.append((info, content))

    @property
    def field_names(self) -> list[str]:
        return [field.name for _, fields in self._parts.values() for field in fields]

    def _prepare(self, content: bytes) -> tuple[str, list[_Field]]:
        document = safe_minidom.parseString(content, forbid_dtd=True)
        merger = _PartMerger(document, self._token)
        merger.simple_fields()
        merger.complex_fields()
        return document.documentElement.toxml(), merger.fields

    def fill(self, row: Mapping[str, str]) -> bytes:
        """The document for one row (a complete DOCX)."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for info, content in self._entries:
                if info.filename in self._parts:
                    text, fields = self._parts[info.filename]
                    merged = self._pattern.sub(_filler(fields, row), text)
                    content = (
                        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + merged
                    ).encode("utf-8")
                archive.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()


def _filler(fields: list[_Field], row: Mapping[str, str]) -> Callable[[re.Match[str]], str]:
    def fill(match: re.Match[str]) -> str:
        return _value_xml(fields[int(match.group(1))].text(row))

    return fill


def _without_mail_merge(content: bytes) -> bytes:
    """settings.xml without ``w:mailMerge``: the merged letters have no data source to ask
    for when opened."""
    document: Any = safe_minidom.parseString(content, forbid_dtd=True)
    found = document.getElementsByTagNameNS(W_NS, "mailMerge")
    if not found:
        return bytes(content)
    for element in list(found):
        element.parentNode.removeChild(element)
    root: str = document.documentElement.toxml()
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + root).encode("utf-8")


# The whole merge ------------------------------------------------------------------------


def prepare_merge(
    document: bytes | None, list_data: bytes | None, options: bytes | None, default_country: str
) -> tuple[list[Letter], SendRequest]:
    """One DOCX letter per row of the list, and the options every fax shares.

    Checks in CONVENTIONS order: recipients (-112: the list, every row's number), the
    document (-123), the options (-114: Postpone).

    Raises:
        MergeError: the code to answer.
    """
    merge_list = read_list(list_data)
    for row in merge_list.rows:
        if canonical_fax_number(row["faxnumber"], default_country) is None:
            raise MergeError(ResultCode.NO_VALID_RECIPIENT, f"bad number {row['faxnumber']!r}")
    template = DocxTemplate(document)
    request = parse_options(options)
    known = {field_key(column) for column in merge_list.columns}
    missing = sorted({n for n in template.field_names if field_key(n) not in known})
    if missing:
        logger.info("mail merge fields without a column (merged empty): %s", ", ".join(missing))
    letters = [
        Letter(
            fax_number=row["faxnumber"],
            contact=row.get("contact", ""),
            document=template.fill(row),
            file_type=DOCX,
        )
        for row in merge_list.rows
    ]
    return letters, request


class MailMerge:
    """SendWordMailMerge for every wire."""

    def __init__(
        self,
        outbound: Outbound,
        accounts: Accounts,
        run_blocking: Callable[..., Awaitable[Any]],
        default_country: str = "",
    ) -> None:
        self._outbound = outbound
        self._accounts = accounts
        self._run_blocking = run_blocking
        self._default_country = default_country

    async def send(
        self, credentials: Credentials, document: bytes | None, list_data: bytes | None,
        options: bytes | None,
    ) -> Submission:
        """One fax per row of ``list_data``, each the ``document`` with its merge fields
        filled from the row; all in one batch whose parent TransactionID is returned.

        Answers -1004 when this installation cannot render DOCX (no LibreOffice), then
        -1003, -112, -123, -114 as ``prepare_merge`` finds them.
        """
        if not self._outbound.is_supported(DOCX):
            return Submission(ResultCode.BAD_FILE_TYPE)
        auth = await self._accounts.authenticate(credentials)
        if auth.caller is None:
            return Submission(auth.code)
        try:
            letters, request = await self._run_blocking(
                prepare_merge, document, list_data, options, self._default_country
            )
        except MergeError as refused:
            logger.info("mail merge by %s refused: %s", auth.caller.user.username, refused)
            return Submission(refused.code)
        return await self._outbound.submit_letters(auth.caller, request, letters)
