"""The checked-in wsdl/ files: what the server serves for a client at the default address."""

from __future__ import annotations

from pathlib import Path

from interfax_soap.app import inbound_schema, outbound_schema
from interfax_soap.asmx.wsdl import ADDRESS_PLACEHOLDER, generate_wsdl

__all__ = ["DEFAULT_BASE_URL", "wsdl_files", "write_wsdl_files"]

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def wsdl_files() -> dict[str, str]:
    """File name -> WSDL text, addresses at :data:`DEFAULT_BASE_URL`."""
    files = {}
    for name, schema in (("dfs", outbound_schema()), ("inbound", inbound_schema())):
        text = generate_wsdl(schema)
        files[f"{name}.wsdl"] = text.replace(ADDRESS_PLACEHOLDER, f"{DEFAULT_BASE_URL}/{name}.asmx")
    return files


def write_wsdl_files(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in wsdl_files().items():
        path = directory / name
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written
