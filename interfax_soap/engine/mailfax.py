"""E-mail to fax: what a request mail asks for (InterFAX's mail gateway rules).

Pure rules on a parsed message: destinations from the envelope recipients
(``<number>@<fax domain>``), subject switches, and the documents to fax (text or HTML
body, attachments in order).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage, Message

__all__ = ["MailRequest", "parse_subject", "parse_mail", "fax_number_of", "SubjectSwitches"]

_SWITCH = re.compile(r"(?:^|\s)/(bn|b|hn|h|d|rs|rf)(?=\s|$)", re.IGNORECASE)
_POSTPONE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})")
MAX_SUBJECT = 60

# Attachment MIME types (and file name extensions) -> InterFAX FileType tokens.
_TYPES = {
    "application/pdf": "PDF",
    "text/plain": "TXT",
    "text/html": "HTML",
    "image/tiff": "TIF",
    "image/png": "PNG",
    "image/jpeg": "JPG",
    "image/gif": "GIF",
    "image/bmp": "BMP",
    "application/postscript": "PS",
    "application/msword": "DOC",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.ms-excel": "XLS",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/rtf": "RTF",
}


@dataclasses.dataclass(frozen=True)
class SubjectSwitches:
    subject: str
    body: bool | None = None  # /b True, /bn False, None = InterFAX's default
    header: str | None = None  # /h TEXT template, "N" for /hn, None = the user's default
    postpone: dt.datetime | None = None  # naive: the user's zone
    fine: bool | None = None  # /rf True, /rs False


@dataclasses.dataclass(frozen=True)
class MailRequest:
    """What to fax: documents as (bytes, FileType), and the switches."""

    documents: tuple[tuple[bytes, str], ...]
    switches: SubjectSwitches
    error: str = ""


def fax_number_of(address: str, fax_domain: str) -> str | None:
    """``0312345678@fax.example.com`` -> ``0312345678`` when the domain is the fax domain."""
    local, _, domain = address.strip().strip("<>").rpartition("@")
    if not local or domain.lower() != fax_domain.lower():
        return None
    return local


def parse_subject(subject: str) -> SubjectSwitches:
    """Removes ``/b /bn /h TEXT /hn /d yyyy-mm-dd hh:mm /rs /rf``; the rest (60 characters at
    most) is the Subject. ``/h`` takes the text up to the next switch."""
    body: bool | None = None
    header: str | None = None
    postpone: dt.datetime | None = None
    fine: bool | None = None
    remaining: list[str] = []
    position = 0
    matches = list(_SWITCH.finditer(subject))
    for index, match in enumerate(matches):
        remaining.append(subject[position : match.start()])
        end = matches[index + 1].start() if index + 1 < len(matches) else len(subject)
        argument = subject[match.end() : end]
        switch = match.group(1).lower()
        position = match.end()
        if switch == "b":
            body = True
        elif switch == "bn":
            body = False
        elif switch == "hn":
            header = "N"
        elif switch == "h":
            header = argument.strip()
            position = end
        elif switch == "d":
            found = _POSTPONE.match(argument)
            if found:
                try:
                    postpone = dt.datetime.strptime(" ".join(found.groups()), "%Y-%m-%d %H:%M")
                except ValueError:
                    postpone = None
                position = match.end() + found.end()
        elif switch == "rs":
            fine = False
        elif switch == "rf":
            fine = True
    remaining.append(subject[position:])
    text = " ".join(" ".join(remaining).split())
    return SubjectSwitches(text[:MAX_SUBJECT], body, header, postpone, fine)


def _body_document(message: EmailMessage) -> tuple[bytes, str] | None:
    """The body to fax: for multipart/alternative only the HTML part; text otherwise."""
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return None
    text = part.get_content()
    if not isinstance(text, str) or not text.strip():
        return None
    kind = "HTML" if part.get_content_type() == "text/html" else "TXT"
    return text.encode("utf-8"), kind


def _attachment_type(part: Message) -> str | None:
    name = part.get_filename() or ""
    if "." in name:
        extension = name.rsplit(".", 1)[1].upper()
        return {"JPEG": "JPG", "TIFF": "TIF", "HTM": "HTML"}.get(extension, extension)
    return _TYPES.get(part.get_content_type())


def parse_mail(raw: bytes) -> MailRequest:
    """Reads a request mail: the subject switches and the documents, in order.

    By default a mail with attachments faxes only the attachments and one without faxes its
    body; ``/b`` adds the body before the attachments, ``/bn`` leaves it out.
    """
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    switches = parse_subject(str(message.get("Subject", "")))
    attachments = []
    for part in message.iter_attachments():
        content = part.get_content()
        if isinstance(content, str):
            content = content.encode("utf-8")
        if not isinstance(content, bytes) or not content:
            continue
        kind = _attachment_type(part)
        if kind is None:
            return MailRequest((), switches, f"attachment {part.get_filename()!r}: unknown type")
        attachments.append((content, kind))
    with_body = switches.body if switches.body is not None else not attachments
    documents = []
    if with_body:
        body = _body_document(message)
        if body is not None:
            documents.append(body)
    documents.extend(attachments)
    if not documents:
        return MailRequest((), switches, "nothing to fax: no body and no attachment")
    return MailRequest(tuple(documents), switches)
