"""The server speaks HTTPS when given a certificate; addresses in the WSDL say https."""

from __future__ import annotations

import subprocess
from pathlib import Path

import requests
import urllib3

from tests.conftest import start_server
from tests.soap_helpers import NS, envelope


def test_https_serves_soap_and_names_https_in_the_wsdl(tmp_path: Path) -> None:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    server = start_server(tmp_path / "data", {
        "INTERFAX_SOAP_SERVER__CERTIFICATE": str(cert),
        "INTERFAX_SOAP_SERVER__PRIVATE_KEY": str(key),
    }, args=("--no-worker",))
    try:
        assert server.base_url.startswith("https://")
        urllib3.disable_warnings()
        wsdl = requests.get(server.wsdl_url, verify=False, timeout=30).text
        assert f'<soap:address location="{server.base_url}/dfs.asmx" />' in wsdl
        server.add_user("tls", "pw")
        answer = requests.post(server.dfs, verify=False, timeout=30,
                               data=envelope("SendCharFax", Username="tls", Password="pw",
                                             FaxNumber="+1 212 555 0100", Data="x"),
                               headers={"Content-Type": "text/xml"})
        assert answer.status_code == 200 and f'xmlns="{NS}"' in answer.text
        assert int(answer.text.split("<SendCharFaxResult>")[1].split("<")[0]) > 0
        plain = requests.Session()
        try:
            plain.get(server.wsdl_url.replace("https://", "http://"), timeout=5)
            spoke_plain_http = True
        except requests.ConnectionError:
            spoke_plain_http = False
        assert not spoke_plain_http
    finally:
        server.stop()
