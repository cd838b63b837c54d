"""Small raw-SOAP helpers for end-to-end tests (no WSDL needed)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import requests
from lxml import etree

NS = "http://www.interfax.cc"


def envelope(operation: str, **params: Any) -> bytes:
    body = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in params.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><{operation} xmlns="{NS}">{body}</{operation}></soap:Body></soap:Envelope>'
    ).encode()


def call(session: requests.Session | Any, url: str, operation: str, **params: Any) -> etree._Element:
    """Posts one SOAP 1.1 call and returns the ``<OperationResponse>`` element."""
    response = session.post(
        url,
        data=envelope(operation, **params),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}/{operation}"'},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    root = etree.fromstring(response.content)
    return root.find(f".//{{{NS}}}{operation}Response")


def send_char_fax(session: Any, url: str, user: str, password: str, number: str,
                  data: str = "Hello fax", file_type: str = "TXT") -> int:
    answer = call(session, url, "SendCharFax", Username=user, Password=password,
                  FaxNumber=number, Data=data, FileType=file_type)
    return int(answer.findtext(f"{{{NS}}}SendCharFaxResult"))


def fax_status(session: Any, url: str, user: str, password: str,
               last: int = 999999999, max_items: int = 1000) -> dict[int, dict[str, str]]:
    """TransactionID -> the FaxItem's fields as text."""
    answer = call(session, url, "FaxStatus", Username=user, Password=password,
                  LastTransactionID=last, MaxItems=max_items, TotalCount=0, ListSize=0,
                  ResultCode=0)
    items = {}
    for item in answer.iter(f"{{{NS}}}FaxItem"):
        fields = {etree.QName(child).localname: child.text or "" for child in item}
        items[int(fields["TransactionID"])] = fields
    return items


# The .asmx WSDL imports the SOAP-encoding schema by namespace only (as InterFAX's did) and
# zeep fetches it from schemas.xmlsoap.org; tests run without a network, so they answer it
# from this minimal copy (only soapenc:Array is used, by StringArray).
SOAP_ENCODING_SCHEMA = b"""<?xml version="1.0" encoding="utf-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           targetNamespace="http://schemas.xmlsoap.org/soap/encoding/">
  <xs:complexType name="Array">
    <xs:sequence>
      <xs:any minOccurs="0" maxOccurs="unbounded" processContents="lax"/>
    </xs:sequence>
    <xs:anyAttribute namespace="##other" processContents="lax"/>
  </xs:complexType>
</xs:schema>"""


def offline_zeep_client(wsdl: str) -> Any:
    """A zeep client that needs no network (see SOAP_ENCODING_SCHEMA)."""
    import zeep

    class OfflineTransport(zeep.Transport):
        def load(self, url: str) -> bytes:
            if url.rstrip("/") == "http://schemas.xmlsoap.org/soap/encoding":
                return SOAP_ENCODING_SCHEMA
            return super().load(url)

    return zeep.Client(wsdl, transport=OfflineTransport())
