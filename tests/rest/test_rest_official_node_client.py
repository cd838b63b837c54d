"""InterFAX's official Node client (npm ``interfax`` 0.8.4), unmodified, against the server.

Its host is a literal in the library; the test substitutes the https module it is given
(REST-FACTS 9) so the same requests reach the server's own HTTPS on loopback, served with a
test certificate (tests/rest/node/drive.js).
The package comes from ``npm install --prefix tests/rest/node`` (or the folder named by
``INTERFAX_NODE_MODULES``); without node or the package the test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import start_server
from tests.mail_sink import MailSink
from tests.rest.rest_helpers import PASSWORD, make_certificates, noise_png, pdf_bytes

HERE = Path(__file__).parent / "node"
MODULES = Path(os.environ.get("INTERFAX_NODE_MODULES", HERE / "node_modules"))
BOB_NUMBER = "+1 212 555 0330"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (MODULES / "interfax").is_dir(),
    reason="needs node and `npm install --prefix tests/rest/node` (npm interfax 0.8.4)",
)


def test_the_node_client_end_to_end(tmp_path: Path) -> None:
    ca, certificate, key = make_certificates(tmp_path)
    sink = MailSink(refusing=False, temporary_failures=0)
    server = start_server(
        tmp_path / "data",
        {
            "INTERFAX_SOAP_SMTP_RELAY__PORT": str(sink.start()),
            "INTERFAX_SOAP_WORKER__POLL_SECONDS": "0.2",
            "INTERFAX_SOAP_SERVER__CERTIFICATE": str(certificate),
            "INTERFAX_SOAP_SERVER__PRIVATE_KEY": str(key),
        },
    )
    assert server.base_url.startswith("https://")
    try:
        for user in ("alice", "bob"):
            server.add_user(user, PASSWORD)
        server.cli("number", "add", BOB_NUMBER, "--user", "bob", "--forward", "bob@example.com")
        files = {
            "text": tmp_path / "note.txt",
            "pdf": tmp_path / "two.pdf",
            "big": tmp_path / "big.png",
        }
        files["text"].write_bytes(b"Hello from Node")
        files["pdf"].write_bytes(pdf_bytes(2))
        files["big"].write_bytes(noise_png(1200, 1000))  # over 1 MiB: the documents API
        result = subprocess.run(
            ["node", str(HERE / "drive.js")],
            capture_output=True,
            text=True,
            timeout=240,
            env={
                **os.environ,
                "NODE_PATH": str(MODULES),
                "IFX_PORT": server.base_url.rsplit(":", 1)[1],
                "IFX_CA": str(ca),
                "IFX_PASSWORD": PASSWORD,
                "IFX_BOB_NUMBER": BOB_NUMBER,
                "IFX_FILES": json.dumps({k: str(v) for k, v in files.items()}),
            },
        )
    finally:
        server.stop()
        sink.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert (out["one"]["status"], out["one"]["pagesSubmitted"], out["one"]["subject"]) == (
        0,
        1,
        "node-one",
    )
    assert (out["two"]["status"], out["two"]["pagesSubmitted"]) == (0, 3)
    assert out["big"]["status"] == 0  # Node keeps the reference part's Content-Location
    assert out["location"].endswith(f"/outbound/faxes/{out['one']['id']}")
    assert out["one"]["id"] in out["all"]
    assert sorted(out["completed"]) == sorted([out["one"]["id"], out["two"]["id"]])
    assert out["image"] == {"type": "image/tiff", "head": "49492a00"}
    assert out["search"] == [out["one"]["id"]]
    empty = {"data": [], "type": "Buffer"}  # an empty body without a JSON type
    assert out["cancel"] == empty and out["cancelled"] == 403
    assert out["cancelAgain"]["code"] == -162
    assert (out["document"]["status"], out["document"]["fileName"]) == ("Ready", "manual.pdf")
    assert out["documents"] >= 1 and out["documentCancel"] == empty
    assert out["documentGone"]["code"] == -1062
    assert out["inbound"]["userId"] == "bob" and out["inboundFind"] == out["inbound"]["messageId"]
    assert out["inboundImage"] == {"type": "image/tiff", "head": "49492a00"}
    assert (out["markRead"], out["afterRead"]) == (True, "READ")
    assert (out["markUnread"], out["afterUnread"]) == (True, "UNREAD")
    assert isinstance(out["emails"], list) and out["resend"] is True
    assert out["notMine"]["code"] == -3001
    assert out["balance"] == 0
    assert out["badPassword"]["code"] == -1003
