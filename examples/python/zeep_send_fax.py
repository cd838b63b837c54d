"""Send files as one fax with zeep, wait until it is final, save the transmitted image.

    python zeep_send_fax.py ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
    python zeep_send_fax.py http://127.0.0.1:8080/dfs.asmx alice secret "+1 212 555 0100" letter.pdf

Several numbers, separated by ``;``, make a batch. Documents larger than 1 MB in total travel by
chunk upload (StartFileUpload / UploadFileChunk, then FileSizes ``<n>/sessionID=<id>``).
Exit code 0 when every fax was sent.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import zeep

# The WSDL imports the SOAP-encoding schema by namespace only, which zeep downloads from
# schemas.xmlsoap.org; on a machine without Internet access, answer it from the local copy.
SOAP_ENCODING = "http://schemas.xmlsoap.org/soap/encoding/"
LOCAL_SOAP_ENCODING = Path(__file__).resolve().parent.parent / "soap-encoding.xsd"
CHUNK = 256 * 1024


class LocalSchemaTransport(zeep.Transport):
    def load(self, url: str) -> bytes:
        if url.rstrip("/") == SOAP_ENCODING.rstrip("/") and LOCAL_SOAP_ENCODING.exists():
            return LOCAL_SOAP_ENCODING.read_bytes()
        return super().load(url)


def upload(service: zeep.proxy.ServiceProxy, user: str, password: str, data: bytes) -> str:
    """Uploads ``data`` in chunks; returns the session ID to name in FileSizes."""
    started = service.StartFileUpload(Username=user, Password=password, SessionID="")
    if started.StartFileUploadResult != 0:
        raise SystemExit(f"StartFileUpload failed: {started.StartFileUploadResult}")
    for offset in range(0, len(data), CHUNK):
        piece = data[offset:offset + CHUNK]
        total = service.UploadFileChunk(SessionID=started.SessionID, Chunk=piece,
                                        IsLast=offset + len(piece) == len(data))
        if total < 0:
            raise SystemExit(f"UploadFileChunk failed: {total}")
    print(f"uploaded {total} bytes in chunks (session {started.SessionID})", file=sys.stderr)
    return started.SessionID


def main(argv: list[str]) -> int:
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, user, password, numbers, *files = argv
    client = zeep.Client(endpoint + "?WSDL", transport=LocalSchemaTransport())
    service = client.bind("InterFax", "InterFaxSoap")

    documents = [Path(name).read_bytes() for name in files]
    types = ";".join(Path(name).suffix.lstrip(".").upper() for name in files)
    data = b"".join(documents)
    if len(data) > 1024 * 1024 and len(documents) == 1:
        session = upload(service, user, password, data)
        files_data, sizes = b"", f"{len(data)}/sessionID={session}"
    else:
        files_data, sizes = data, ";".join(str(len(d)) for d in documents)

    parent = service.SendfaxEx_2(
        Username=user, Password=password, FaxNumbers=numbers, Contacts="", FilesData=files_data,
        FileTypes=types, FileSizes=sizes, Postpone=dt.datetime(2000, 1, 1), RetriesToPerform=3,
        CSID="", PageHeader="", JobID="", Subject=Path(files[0]).name, ReplyAddress="",
        PageSize="A4", PageOrientation="Portrait", IsHighResolution=False, IsFineRendering=False,
    )
    if parent < 0:
        print(f"SendfaxEx_2 failed: {parent} "
              f"({service.GetErrorDescription(ErrorCode=parent)})", file=sys.stderr)
        return 1
    print(f"transaction {parent}")

    while True:  # FaxQuery PARENT lists every member of the batch
        answer = service.FaxQuery(Username=user, Password=password, Verb="PARENT",
                                  VerbData=str(parent), MaxItems=-1, ResultCode=0)
        items = answer.FaxQueryResult.FaxItemEx if answer.FaxQueryResult else []
        if items and all(item.Status >= 0 for item in items):
            break
        time.sleep(1)

    failed = 0
    for item in items:
        print(f"{item.TransactionID} to {item.DestinationFax}: status {item.Status}, "
              f"{item.PagesSent}/{item.PagesSubmitted} pages, {item.Duration} s")
        failed += item.Status != 0
        image = service.GetFaxImage(Username=user, Password=password,
                                    TransactionID=item.TransactionID, Image=b"")
        if image.GetFaxImageResult == 0:
            name = f"fax-{item.TransactionID}.tif"
            Path(name).write_bytes(image.Image)
            print(f"saved {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
