"""The toolkit scenario (tests/toolkits/README.md) through zeep, reading the served WSDL.

usage: python zeep_client.py ENDPOINT USERNAME PASSWORD PNG_FILE LABEL [soap12]

The WSDL imports the SOAP-encoding schema by namespace only; zeep downloads it from
schemas.xmlsoap.org, so this client answers that URL from the local copy next to it
(../soap-encoding.xsd) and needs no network. Prints the scenario's lines; any failed check ends
it with exit code 1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import zeep

SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
LOCAL_SOAP_ENCODING = Path(__file__).resolve().parent.parent / "soap-encoding.xsd"
PAST = dt.datetime(2000, 1, 1)


class OfflineTransport(zeep.Transport):
    """Answers the SOAP-encoding schema from a local file."""

    def load(self, url: str) -> bytes:
        if url.rstrip("/") == SOAP_ENCODING.rstrip("/"):
            return LOCAL_SOAP_ENCODING.read_bytes()
        return super().load(url)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def wait_final(service: Any, user: str, password: str, parent: int, count: int) -> list[Any]:
    """Polls FaxQuery PARENT until every member is final (Status >= 0)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = service.FaxQuery(Username=user, Password=password, Verb="PARENT",
                                  VerbData=str(parent), MaxItems=-1, ResultCode=0)
        check(answer.ResultCode == 0, f"FaxQuery ResultCode {answer.ResultCode}")
        items = list(answer.FaxQueryResult.FaxItemEx) if answer.FaxQueryResult else []
        if len(items) == count and all(item.Status >= 0 for item in items):
            for item in items:
                print(f"FINAL {item.TransactionID} {item.Status} "
                      f"{item.PagesSent}/{item.PagesSubmitted} {item.DestinationFax}")
            return items
        time.sleep(0.25)
    raise AssertionError(f"transaction {parent} did not finish")


def download(service: Any, user: str, password: str, transaction_id: int) -> None:
    answer = service.GetFaxImage(Username=user, Password=password,
                                 TransactionID=transaction_id, Image=b"")
    check(answer.GetFaxImageResult == 0, f"GetFaxImage answered {answer.GetFaxImageResult}")
    image = answer.Image
    check(image is not None and len(image) > 100 and image[:3] == b"II*", "not a TIFF")
    print(f"IMAGE {transaction_id} {len(image)} {hashlib.sha256(image).hexdigest()}")


def run(argv: list[str]) -> None:
    check(len(argv) in (5, 6),
          "usage: zeep_client.py ENDPOINT USERNAME PASSWORD PNG_FILE LABEL [soap12]")
    endpoint, user, password, png_file, label = argv[:5]
    soap12 = argv[5:] == ["soap12"]
    png = Path(png_file).read_bytes()
    client = zeep.Client(endpoint + "?WSDL", transport=OfflineTransport())
    port = "InterFaxSoap12" if soap12 else "InterFaxSoap"
    service = client.bind("InterFax", port)
    print(f"TOOLKIT {label} zeep {zeep.__version__} {port}")

    types = service.GetSupportedFileTypes()
    check("TXT" in types and "PNG" in types, f"supported types {types}")
    print(f"SUPPORTED {types}")

    common = {"Username": user, "Password": password, "Postpone": PAST, "CSID": "TOOLKIT",
              "PageHeader": "N", "ReplyAddress": "", "PageOrientation": "Portrait",
              "IsFineRendering": False}
    # Two documents (a two-page text and a PNG) to two numbers: one batch.
    text = f"Sent by {label}\fSecond page".encode("ascii")
    parent = service.SendfaxEx_2(
        **common, FaxNumbers="+1 212 555 0100;+44 20 5550 0100", Contacts="New York;London",
        FilesData=text + png, FileTypes="TXT;PNG", FileSizes=f"{len(text)};{len(png)}",
        RetriesToPerform=2, JobID=f"job-{label}", Subject=f"{label} batch", PageSize="A4",
        IsHighResolution=False,
    )
    check(parent > 0, f"SendfaxEx_2 answered {parent}")
    print(f"SENT {parent}")
    for item in wait_final(service, user, password, parent, 2):
        check(item.Status == 0, f"status {item.Status}")
        check(item.ParentTransactionID == parent, f"parent {item.ParentTransactionID}")
        check(item.PagesSent == 3 and item.PagesSubmitted == 3, f"pages {item.PagesSent}")
        check(item.Subject == f"{label} batch", f"subject {item.Subject}")
        download(service, user, password, item.TransactionID)

    # Chunk upload: the document travels in pieces, SendfaxEx_2 names the session.
    started = service.StartFileUpload(Username=user, Password=password, SessionID="")
    code = started.StartFileUploadResult
    check(code == 0, f"StartFileUpload answered {code}")
    session = started.SessionID
    check(session is not None and len(session) == 64, f"session {session}")
    document = "".join(f"Chunk upload by {label}, line {n}\n" for n in range(1, 81)).encode("ascii")
    total = 0
    for offset in range(0, len(document), 1000):
        chunk = document[offset:offset + 1000]
        total += len(chunk)
        answer = service.UploadFileChunk(SessionID=session, Chunk=chunk,
                                         IsLast=total == len(document))
        check(answer == total, f"UploadFileChunk answered {answer}, expected {total}")
    print(f"UPLOAD {session} {total}")
    uploaded = service.SendfaxEx_2(
        **common, FaxNumbers="+81 3 5550 0100", Contacts="Tokyo", FilesData=b"",
        FileTypes="TXT", FileSizes=f"{len(document)}/sessionID={session}", RetriesToPerform=1,
        JobID=f"upload-{label}", Subject=f"{label} upload", PageSize="Letter",
        IsHighResolution=True,
    )
    check(uploaded > 0, f"SendfaxEx_2 with a session answered {uploaded}")
    print(f"SENT-UPLOAD {uploaded}")
    (single,) = wait_final(service, user, password, uploaded, 1)
    check(single.Status == 0, f"upload status {single.Status}")
    check(single.PageResolution == "Fine", f"resolution {single.PageResolution}")
    download(service, user, password, uploaded)


def main() -> int:
    try:
        run(sys.argv[1:])
    except Exception as error:  # noqa: BLE001 - any failure is reported the same way
        print(f"FAIL {type(error).__name__}: {error}", flush=True)
        raise
    print("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
