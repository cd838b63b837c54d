"""Send files as one fax with suds (pip install suds), wait until it is final, save the image.

    python suds_send_fax.py ENDPOINT USERNAME PASSWORD FAXNUMBER FILE [FILE ...]
    python suds_send_fax.py http://127.0.0.1:8080/dfs.asmx alice secret "+1 212 555 0100" memo.txt

suds passes base64Binary through as text: documents go out base64-encoded and the image comes
back as base64. Exit code 0 when every fax was sent.
"""

from __future__ import annotations

import base64
import sys
import time
from pathlib import Path

from suds.client import Client


def main(argv: list[str]) -> int:
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    endpoint, user, password, numbers, *files = argv
    # suds carries its own copy of the SOAP-encoding schema the WSDL imports: no download.
    client = Client(endpoint + "?WSDL", cache=None)
    service = client.service

    documents = [Path(name).read_bytes() for name in files]
    parent = service.SendfaxEx_2(
        Username=user, Password=password, FaxNumbers=numbers, Contacts="",
        FilesData=base64.b64encode(b"".join(documents)).decode("ascii"),
        FileTypes=";".join(Path(name).suffix.lstrip(".").upper() for name in files),
        FileSizes=";".join(str(len(d)) for d in documents), Postpone="2000-01-01T00:00:00",
        RetriesToPerform=3, CSID="", PageHeader="", JobID="", Subject=Path(files[0]).name,
        ReplyAddress="", PageSize="A4", PageOrientation="Portrait", IsHighResolution=False,
        IsFineRendering=False,
    )
    if parent < 0:
        print(f"SendfaxEx_2 failed: {parent} ({service.GetErrorDescription(parent)})",
              file=sys.stderr)
        return 1
    print(f"transaction {parent}")

    while True:
        answer = service.FaxQuery(user, password, "PARENT", str(parent), -1, 0)
        result = answer.FaxQueryResult
        items = list(getattr(result, "FaxItemEx", [])) if result else []
        if items and all(item.Status >= 0 for item in items):
            break
        time.sleep(1)

    failed = 0
    for item in items:
        print(f"{item.TransactionID} to {item.DestinationFax}: status {item.Status}, "
              f"{item.PagesSent}/{item.PagesSubmitted} pages, {item.Duration} s")
        failed += item.Status != 0
        image = service.GetFaxImage(user, password, item.TransactionID, "")
        if image.GetFaxImageResult == 0:
            name = f"fax-{item.TransactionID}.tif"
            Path(name).write_bytes(base64.b64decode(image.Image))
            print(f"saved {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
