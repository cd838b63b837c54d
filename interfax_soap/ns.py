"""Namespace URIs, SOAP actions and content types: the wire's constants, in one place."""

OUTBOUND = "http://www.interfax.cc"
INBOUND = "http://www.interfax.net"
ABSTRACT_TYPES_SUFFIX = "/AbstractTypes"

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
WSDL_HTTP = "http://schemas.xmlsoap.org/wsdl/http/"
WSDL_MIME = "http://schemas.xmlsoap.org/wsdl/mime/"
WSDL_TM = "http://microsoft.com/wsdl/mime/textMatching/"
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
SOAP_HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"

CONTENT_SOAP11 = "text/xml; charset=utf-8"
CONTENT_SOAP12 = "application/soap+xml; charset=utf-8"
CONTENT_TEXT = "text/plain; charset=utf-8"


def soap_action(namespace: str, operation: str) -> str:
    """The .asmx SOAPAction of an operation: ``http://www.interfax.cc/SendCharFax``."""
    return f"{namespace}/{operation}"
