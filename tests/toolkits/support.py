"""What the toolkit tests share: finding the toolkits, running their programs, reading the
transcript a client program prints (README.md here) and checking it against the server."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import requests
from lxml import etree
from PIL import Image

from tests.conftest import IN_CI, RunningServer, start_server
from tests.soap_helpers import NS, call

TOOLKITS = Path(__file__).resolve().parent
CLIENTS = TOOLKITS / "clients"
SOAP_ENCODING_XSD = CLIENTS / "soap-encoding.xsd"
REPO = TOOLKITS.parents[1]
USER, PASSWORD = "toolkits", "pw-toolkits"
JAVA_SHARE = Path("/usr/share/java")
# Axis 1.4 and what it needs at generation and run time (javax.activation left the JDK in 11).
AXIS_CLASSPATH = [
    JAVA_SHARE / name
    for name in (
        "axis.jar", "axis-jaxrpc.jar", "axis-saaj.jar", "commons-discovery.jar",
        "commons-logging.jar", "wsdl4j.jar", "javax.activation.jar", "javax.mail.jar",
    )
]
# The JAX-WS RI runtime; its manifest's Class-Path names JAXB, SAAJ, StAX and the rest.
JAXWS_CLASSPATH = [JAVA_SHARE / "jaxws-rt.jar"]

BATCH_NUMBERS = {"0012125550100", "00442055500100"}
UPLOAD_NUMBER = "0081355500100"


def require(
    *commands: str, files: Sequence[Path] = (), probes: Sequence[tuple[str, list[str]]] = ()
) -> None:
    """Skips the test when a toolkit is not installed, or fails it under CI=true (CI runs
    scripts/setup-toolkits first). ``probes`` are (what, command) pairs that must exit 0."""
    missing = [command for command in commands if shutil.which(command) is None]
    missing += [str(path) for path in files if not path.exists()]
    for what, command in probes:
        if shutil.which(command[0]) is None:
            if command[0] not in missing:
                missing.append(what)
        elif subprocess.run(command, capture_output=True, timeout=60).returncode != 0:
            missing.append(what)
    if missing:
        reason = f"toolkit not installed: {', '.join(missing)} (run scripts/setup-toolkits)"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires every toolkit", pytrace=False)
        pytest.skip(reason)


def run(
    args: Sequence[str | Path], cwd: Path, timeout: float = 240, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Runs a generator, compiler or client program; a non-zero exit fails with its output.
    ``env`` adds to the environment."""
    started = time.monotonic()
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **env} if env else None,
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        raise AssertionError(
            f"{Path(str(args[0])).name} exited {result.returncode} after {elapsed:.1f}s\n"
            f"command: {' '.join(str(a) for a in args)}\n"
            f"--- stdout ---\n{result.stdout[-8000:]}\n--- stderr ---\n{result.stderr[-8000:]}"
        )
    return result


def classpath(*entries: Path | Sequence[Path]) -> str:
    paths: list[str] = []
    for entry in entries:
        paths += [str(p) for p in entry] if isinstance(entry, (list, tuple)) else [str(entry)]
    return ":".join(paths)


def serve(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[RunningServer]:
    """One server per test module (virtual network at time scale 0) with the user USER; each
    test tells its faxes apart by its label (subjects and job IDs)."""
    server = start_server(tmp_path_factory.mktemp(name) / "data")
    try:
        server.add_user(USER, PASSWORD)
        yield server
    finally:
        server.stop()


def write_png(path: Path) -> Path:
    """A one-page PNG document: a black bar on white."""
    image = Image.new("L", (850, 400), 255)
    image.paste(0, (100, 100, 700, 110))
    image.save(path, "PNG")
    return path


@dataclasses.dataclass
class Final:
    status: int
    pages_sent: int
    pages_submitted: int
    destination: str


@dataclasses.dataclass
class Transcript:
    """What a client program printed (README.md, "The scenario every client program runs")."""

    toolkit: str = ""
    supported: list[str] = dataclasses.field(default_factory=list)
    batch: int = 0
    finals: dict[int, Final] = dataclasses.field(default_factory=dict)
    images: dict[int, tuple[int, str]] = dataclasses.field(default_factory=dict)
    session: str = ""
    uploaded_bytes: int = 0
    upload: int = 0
    done: bool = False


_LINES = [
    ("toolkit", re.compile(r"TOOLKIT (.+)")),
    ("supported", re.compile(r"SUPPORTED (\S+)")),
    ("sent", re.compile(r"SENT (\d+)")),
    ("final", re.compile(r"FINAL (\d+) (-?\d+) (\d+)/(\d+) (\S+)")),
    ("image", re.compile(r"IMAGE (\d+) (\d+) ([0-9a-f]{64})")),
    ("upload", re.compile(r"UPLOAD ([0-9A-Fa-f]+) (\d+)")),
    ("sent_upload", re.compile(r"SENT-UPLOAD (\d+)")),
    ("done", re.compile(r"DONE")),
]


def parse_transcript(stdout: str) -> Transcript:
    """Reads the transcript strictly: every non-empty line must be one of the known forms."""
    transcript = Transcript()
    for line in stdout.splitlines():
        line = line.strip()
        if not line:
            continue
        matches = [(kind, pattern.fullmatch(line)) for kind, pattern in _LINES]
        found = [(kind, match) for kind, match in matches if match]
        if not found:
            raise AssertionError(f"unexpected line from the client program: {line!r}\n{stdout}")
        kind, match = found[0]
        if kind == "toolkit":
            transcript.toolkit = match.group(1)
        elif kind == "supported":
            transcript.supported = match.group(1).split(";")
        elif kind == "sent":
            transcript.batch = int(match.group(1))
        elif kind == "final":
            transaction, status, sent, submitted, destination = match.groups()
            transcript.finals[int(transaction)] = Final(
                int(status), int(sent), int(submitted), destination)
        elif kind == "image":
            transaction, size, digest = match.groups()
            transcript.images[int(transaction)] = (int(size), digest)
        elif kind == "upload":
            transcript.session, transcript.uploaded_bytes = match.group(1), int(match.group(2))
        elif kind == "sent_upload":
            transcript.upload = int(match.group(1))
        elif kind == "done":
            transcript.done = True
    return transcript


def _items(answer: etree._Element) -> list[dict[str, str]]:
    return [
        {etree.QName(child).localname: child.text or "" for child in item}
        for item in answer.iter(f"{{{NS}}}FaxItemEx")
    ]


def _tiff_pages(tiff: bytes) -> list[int]:
    image = Image.open(io.BytesIO(tiff))
    widths = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        widths.append(image.size[0])
    return widths


def verify(server: RunningServer, user: str, label: str, stdout: str) -> Transcript:
    """Checks a client program's transcript, then checks it against the server (raw SOAP)."""
    transcript = parse_transcript(stdout)
    assert transcript.done, stdout
    assert transcript.toolkit.split()[0] == label
    assert {"TXT", "PNG"} <= set(transcript.supported)

    # The batch: two members under the first transaction, both sent, 3 of 3 pages.
    assert transcript.batch > 0
    members = {t: f for t, f in transcript.finals.items() if t != transcript.upload}
    assert transcript.batch in members and len(members) == 2, stdout
    assert {f.destination for f in members.values()} == BATCH_NUMBERS
    assert all((f.status, f.pages_sent, f.pages_submitted) == (0, 3, 3) for f in members.values())
    # The upload: one transaction, sent.
    assert transcript.upload > transcript.batch
    assert re.fullmatch(r"[0-9A-F]{64}", transcript.session), transcript.session
    uploaded = transcript.finals[transcript.upload]
    assert (uploaded.status, uploaded.destination) == (0, UPLOAD_NUMBER)
    assert uploaded.pages_sent == uploaded.pages_submitted >= 1
    assert set(transcript.images) == set(transcript.finals)

    with requests.Session() as http:
        batch = _items(call(http, server.dfs, "FaxQuery", Username=user, Password=PASSWORD,
                            Verb="PARENT", VerbData=transcript.batch, MaxItems=-1, ResultCode=0))
        assert {int(item["TransactionID"]) for item in batch} == set(members)
        assert {item["Contact"] for item in batch} == {"New York", "London"}
        for item in batch:
            assert item["Status"] == "0"
            assert (item["Subject"], item["JobID"], item["SenderCSID"]) == (
                f"{label} batch", f"job-{label}", "TOOLKIT")
            assert (item["RetriesToPerform"], item["PageSize"], item["PageResolution"]) == (
                "2", "A4", "Standard")
        (single,) = _items(call(http, server.dfs, "FaxQuery", Username=user, Password=PASSWORD,
                                Verb="EQ", VerbData=transcript.upload, MaxItems=-1, ResultCode=0))
        assert (single["Subject"], single["JobID"], single["Contact"]) == (
            f"{label} upload", f"upload-{label}", "Tokyo")
        assert (single["RetriesToPerform"], single["PageSize"], single["PageResolution"]) == (
            "1", "Letter", "Fine")

        for transaction, (size, digest) in transcript.images.items():
            answer = call(http, server.dfs, "GetFaxImage", Username=user, Password=PASSWORD,
                          TransactionID=transaction, Image="")
            assert answer.findtext(f"{{{NS}}}GetFaxImageResult") == "0"
            tiff = base64.b64decode(answer.findtext(f"{{{NS}}}Image"))
            assert (len(tiff), hashlib.sha256(tiff).hexdigest()) == (size, digest), transaction
            final = transcript.finals[transaction]
            assert _tiff_pages(tiff) == [1728] * final.pages_sent

        # SendfaxEx_2 consumed the upload session.
        consumed = call(http, server.dfs, "UploadFileChunk", SessionID=transcript.session,
                        Chunk="eA==", IsLast="true")
        assert consumed.findtext(f"{{{NS}}}UploadFileChunkResult") == "-1062"
    return transcript
