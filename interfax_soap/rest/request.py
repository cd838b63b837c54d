"""The site's request class, aware of the REST face: its bodies are never form-decoded."""

from __future__ import annotations

from interfax_soap.asmx.resource import AsmxRequest
from interfax_soap.rest.router import is_rest_path

__all__ = ["RestAwareRequest"]


class RestAwareRequest(AsmxRequest):
    """Twisted decodes POST bodies typed ``application/x-www-form-urlencoded`` or
    ``multipart/form-data`` into ``request.args`` before any resource sees them, and answers
    a multipart body its parser refuses with a bare 400. REST chunk uploads arrive typed as
    forms (Ruby's Net::HTTP default) and send bodies as form-data with part shapes that parser
    need not accept (Python's nameless parts), so for REST paths it is switched off: REST reads
    its query from the URI and its body itself. SOAP's form bindings are unchanged.
    """

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:  # noqa: N802
        # Twisted's switch is the private attribute ``_parsePOSTFormSubmission`` (set in
        # Request.__init__, read in requestReceived); tests/rest/test_wire_units.py fails if
        # Twisted drops it.
        if is_rest_path(path):
            self._parsePOSTFormSubmission = False
        super().requestReceived(command, path, version)
