"""The toolkit scenario (tests/toolkits/README.md) through suds (suds-community), reading the
served WSDL as InterFAX's Python samples did: ``Client(".../dfs.asmx?WSDL").service.Op(...)``.

usage: python suds_client.py ENDPOINT USERNAME PASSWORD PNG_FILE LABEL

suds carries its own copy of the SOAP-encoding schema (suds.store), so the WSDL's by-namespace
import needs no network. suds leaves base64Binary to the caller: documents are sent base64
encoded and images come back as base64 text. Prints the scenario's lines; any failed check ends
it with exit code 1.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import suds
from suds.client import Client

PAST = "2000-01-01T00:00:00"


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def wait_final(service: Any, user: str, password: str, parent: int, count: int) -> list[Any]:
    """Polls FaxQuery PARENT until every member is final (Status >= 0)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        answer = service.FaxQuery(user, password, "PARENT", str(parent), -1, 0)
        check(answer.ResultCode == 0, f"FaxQuery ResultCode {answer.ResultCode}")
        result = answer.FaxQueryResult
        items = list(getattr(result, "FaxItemEx", [])) if result else []
        if len(items) == count and all(item.Status >= 0 for item in items):
            for item in items:
                print(f"FINAL {item.TransactionID} {item.Status} "
                      f"{item.PagesSent}/{item.PagesSubmitted} {item.DestinationFax}")
            return items
        time.sleep(0.25)
    raise AssertionError(f"transaction {parent} did not finish")


def download(service: Any, user: str, password: str, transaction_id: int) -> None:
    answer = service.GetFaxImage(user, password, transaction_id, "")
    check(answer.GetFaxImageResult == 0, f"GetFaxImage answered {answer.GetFaxImageResult}")
    image = base64.b64decode(answer.Image)
    check(len(image) > 100 and image[:3] == b"II*", "not a TIFF")
    print(f"IMAGE {transaction_id} {len(image)} {hashlib.sha256(image).hexdigest()}")


def run(argv: list[str]) -> None:
    check(len(argv) == 5, "usage: suds_client.py ENDPOINT USERNAME PASSWORD PNG_FILE LABEL")
    endpoint, user, password, png_file, label = argv
    png = Path(png_file).read_bytes()
    client = Client(endpoint + "?WSDL", cache=None, location=endpoint)
    service = client.service
    print(f"TOOLKIT {label} suds {suds.__version__}")

    types = service.GetSupportedFileTypes()
    check("TXT" in types and "PNG" in types, f"supported types {types}")
    print(f"SUPPORTED {types}")

    # Two documents (a two-page text and a PNG) to two numbers: one batch.
    text = f"Sent by {label}\fSecond page".encode("ascii")
    parent = service.SendfaxEx_2(
        Username=user, Password=password, FaxNumbers="+1 212 555 0100;+44 20 5550 0100",
        Contacts="New York;London", FilesData=b64(text + png), FileTypes="TXT;PNG",
        FileSizes=f"{len(text)};{len(png)}", Postpone=PAST, RetriesToPerform=2, CSID="TOOLKIT",
        PageHeader="N", JobID=f"job-{label}", Subject=f"{label} batch", ReplyAddress="",
        PageSize="A4", PageOrientation="Portrait", IsHighResolution=False, IsFineRendering=False,
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
    started = service.StartFileUpload(user, password, "")
    code = started.StartFileUploadResult
    check(code == 0, f"StartFileUpload answered {code}")
    session = started.SessionID
    check(session is not None and len(session) == 64, f"session {session}")
    document = "".join(f"Chunk upload by {label}, line {n}\n" for n in range(1, 81)).encode("ascii")
    total = 0
    for offset in range(0, len(document), 1000):
        chunk = document[offset:offset + 1000]
        total += len(chunk)
        answer = service.UploadFileChunk(session, b64(chunk), total == len(document))
        check(answer == total, f"UploadFileChunk answered {answer}, expected {total}")
    print(f"UPLOAD {session} {total}")
    uploaded = service.SendfaxEx_2(
        Username=user, Password=password, FaxNumbers="+81 3 5550 0100", Contacts="Tokyo",
        FilesData="", FileTypes="TXT", FileSizes=f"{len(document)}/sessionID={session}",
        Postpone=PAST, RetriesToPerform=1, CSID="TOOLKIT", PageHeader="N",
        JobID=f"upload-{label}", Subject=f"{label} upload", ReplyAddress="", PageSize="Letter",
        PageOrientation="Portrait", IsHighResolution=True, IsFineRendering=False,
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
