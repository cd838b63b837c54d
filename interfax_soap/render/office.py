"""Office documents (DOC, DOCX, XLS, XLSX, PPT, PPTX, RTF, ODT, ODS, ODP) through LibreOffice.

LibreOffice (headless, an optional component) converts the document to PDF in a private
folder with a fresh user profile, which is then rasterised like any PDF. The profile is
written before the first start with macros disabled and links never updated, so a document
cannot run code or load linked content while it is converted. A fresh profile makes
LibreOffice exit with status 81 once ("restart required"): it is simply started again, as
its own launcher does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from interfax_soap.render.converters import (
    ConverterTimeout,
    find_libreoffice,
    run_converter,
    work_dir,
)
from interfax_soap.render.errors import RenderError
from interfax_soap.render.options import RenderOptions
from interfax_soap.render.pdf import render_pdf

__all__ = ["OFFICE_FILE_TYPES", "office_to_pdf", "render_office"]

OFFICE_FILE_TYPES = ("DOC", "DOCX", "XLS", "XLSX", "PPT", "PPTX", "RTF", "ODT", "ODS", "ODP")
"""FileType tokens converted by LibreOffice."""

_RESTART_REQUIRED = 81  # LibreOffice's EXITHELPER_NORMAL_RESTART
_STARTS = 3
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""  # noqa: E501  # one registry item per line reads best


def render_office(
    data: bytes, options: RenderOptions, budget: int, *, kind: str
) -> Iterator[Image.Image]:
    """Convert an office document with LibreOffice and rasterise the result.

    Args:
        data: The document.
        options: Page set-up, limits and the converter's time limit.
        budget: Fax pages still allowed.
        kind: Its FileType token (upper case), which tells LibreOffice its format.

    Yields:
        Mode "1" fax pages.

    Raises:
        RenderError: LibreOffice is missing, failed, or ran past the time limit.
        DocumentTooLarge: More pages than ``budget``.
    """
    pdf = office_to_pdf(data, kind, options.converter_timeout_seconds)
    yield from render_pdf(pdf, options, budget)


def office_to_pdf(data: bytes, kind: str, timeout_seconds: float) -> bytes:
    """The document as PDF, as LibreOffice prints it.

    Args:
        data: The document.
        kind: Its FileType token (DOCX, XLS, ...).
        timeout_seconds: Wall-time limit of the whole conversion.

    Returns:
        The PDF.

    Raises:
        RenderError: LibreOffice is missing, could not read the document, or ran too long.
    """
    binary = find_libreoffice()
    if binary is None:
        raise RenderError(f"{kind} needs LibreOffice, which is not installed")
    if not data:
        raise RenderError(f"the {kind} document is empty")
    deadline = time.monotonic() + timeout_seconds
    with work_dir() as folder:
        source = folder / f"document.{kind.lower()}"
        source.write_bytes(data)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        output = folder / "out"
        argv = [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            "--convert-to",
            "pdf",
            "--outdir",
            str(output),
            str(source),
        ]
        result = None
        for _ in range(_STARTS):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                result = run_converter(argv, folder, left, "LibreOffice")
            except ConverterTimeout:
                raise ConverterTimeout(
                    f"LibreOffice did not finish within {timeout_seconds:g} s"
                ) from None
            if result.returncode != _RESTART_REQUIRED:
                break
        pdf = output / "document.pdf"
        if result is None:
            raise RenderError(f"LibreOffice did not finish within {timeout_seconds:g} s")
        return _read_output(pdf, kind, result.returncode, result.output)


def _read_output(pdf: Path, kind: str, returncode: int, output: str) -> bytes:
    if returncode == 0 and pdf.is_file() and pdf.stat().st_size > 0:
        return pdf.read_bytes()
    detail = output.splitlines()[-1][:200] if output else f"exit status {returncode}"
    raise RenderError(f"LibreOffice could not convert the {kind} document: {detail}")
