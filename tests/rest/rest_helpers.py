"""Helpers for the REST face's end-to-end tests: a client, polling, test documents and a test
CA with a server certificate (for the clients that only speak https)."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from PIL import Image

PASSWORD = "pw-rest"
OK_NUMBER = "+1 212 555 0100"
BUSY_NUMBER = "+1 212 555 0117"
DATE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"


class Rest:
    """A requests session speaking to one server as one user."""

    def __init__(self, base_url: str, user: str, password: str = PASSWORD) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.auth = (user, password)

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self("POST", path, **kwargs)

    def send_text(self, text: str = "Hello REST", number: str = OK_NUMBER, **params: Any) -> int:
        """POSTs a raw text fax; returns its ID (from Location)."""
        response = self.post(
            "/outbound/faxes",
            params={"faxNumber": number, **params},
            data=text.encode(),
            headers={"Content-Type": "text/plain"},
        )
        assert response.status_code == 201, response.text
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def fax(self, fax_id: int) -> dict[str, Any]:
        response = self.get(f"/outbound/faxes/{fax_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def final(self, fax_id: int, seconds: float = 60) -> dict[str, Any]:
        return wait_until(
            lambda: (f := self.fax(fax_id))["status"] >= 0 and f, seconds, f"fax {fax_id} to finish"
        )


def wait_until(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def pdf_bytes(text_pages: int = 1) -> bytes:
    pages = [Image.new("L", (850, 1100), 255) for _ in range(text_pages)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=100)
    return out.getvalue()


def noise_png(width: int, height: int) -> bytes:
    image = Image.frombytes("L", (width, height), os.urandom(width * height))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def later(days: int = 2) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# A test CA and a server certificate for 127.0.0.1, made with cryptography.


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "interfax-soap test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = (folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths
