"""Minimal Word 2007 (DOCX) documents for the mail-merge tests, built by hand (no Word needed).

A paragraph is a list of pieces: ``"text"``, ``simple("Name")`` (a ``w:fldSimple``) or
``complex_field("Name")`` (``fldChar`` begin / ``instrText`` / separate / result / end, the
way Word writes MERGEFIELDs).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr, unescape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BOLD = "<w:rPr><w:b/><w:sz w:val=\"48\"/></w:rPr>"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.settings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/settings" Target="settings.xml"/>'
    "</Relationships>"
)
SETTINGS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:settings xmlns:w="{W}"><w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
    '<w:dataType w:val="textFile"/><w:query w:val="SELECT * FROM list.csv"/></w:mailMerge>'
    '<w:defaultTabStop w:val="720"/></w:settings>'
)


def text(value: str, properties: str = BOLD) -> str:
    return f'<w:r>{properties}<w:t xml:space="preserve">{escape(value)}</w:t></w:r>'


def _name(name: str) -> str:
    return f'"{name}"' if " " in name else name


def simple(name: str, switches: str = "") -> str:
    instruction = f" MERGEFIELD {_name(name)} {switches}\\* MERGEFORMAT "
    return (
        f"<w:fldSimple w:instr={quoteattr(instruction)}>"
        f"<w:r>{BOLD}<w:t>\u00ab{escape(name)}\u00bb</w:t></w:r></w:fldSimple>"
    )


def complex_field(name: str, switches: str = "") -> str:
    return (
        f'<w:r>{BOLD}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{BOLD}<w:instrText xml:space="preserve"> MERGEFIELD </w:instrText></w:r>'
        f'<w:r>{BOLD}<w:instrText xml:space="preserve">{escape(_name(name))} {escape(switches)}'
        "</w:instrText></w:r>"
        f'<w:r>{BOLD}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{BOLD}<w:t>\u00ab{escape(name)}\u00bb</w:t></w:r>"
        f'<w:r>{BOLD}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def docx(*paragraphs: list[str]) -> bytes:
    """A DOCX with one paragraph per list of pieces."""
    body = "".join(f"<w:p>{''.join(pieces)}</w:p>" for pieces in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body>'
        "</w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        archive.writestr("word/settings.xml", SETTINGS)
    return out.getvalue()


_RUN_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:t(?: [^>]*)?/>|<w:(br|tab)/>")


def document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def paragraph_texts(data: bytes) -> list[str]:
    """The text of each paragraph (runs joined; fields as they stand)."""
    xml = document_xml(data)
    texts = []
    for paragraph in re.findall(r"<w:p>(.*?)</w:p>", xml, flags=re.S):
        pieces = []
        for element in _RUN_TEXT.finditer(paragraph):
            kind = element.group(2)
            if kind:
                pieces.append("\n" if kind == "br" else "\t")
            else:
                pieces.append(element.group(1) or "")
        texts.append(unescape("".join(pieces)))
    return texts
