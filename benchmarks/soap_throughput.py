"""SOAP throughput of the real server's web face against a bare Twisted floor, in one run.

    python benchmarks/soap_throughput.py [--seconds 10] [--connections 16]

Starts two servers on 127.0.0.1 (port 0):

1. benchmarks/_canned_server.py: bare Twisted answering a canned SendCharFax response;
2. ``python -m interfax_soap serve --no-worker`` on a temporary data folder, virtual network
   time scale 0, so only the web face (SOAP parsing, engine call, database, serialisation) is
   measured, not the fax worker.

Creates a user with the CLI, submits 10 faxes with SendCharFax so FaxStatus returns 10 items,
then measures requests/second at N concurrent keep-alive connections for FaxStatus
(LastTransactionID 999999999, MaxItems 10) and SendCharFax against the real server, and the
canned answer against the bare server. Load comes from ``wrk`` when installed, else a built-in
asyncio generator. Prints the rates, the ratios real/bare and each server's RSS after the run.
Loopback only; every load loop is bounded in time and in count; both servers are stopped at
the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import http.client
import os
import platform
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
NS = "http://www.interfax.cc"
USER, PASSWORD = "bench", "bench-Pa55word"
FAX_NUMBER = "+12125551234"
SEED_FAXES = 10
MAX_REQUESTS_PER_RUN = 5_000_000  # the count bound of every load loop
READ_TIMEOUT = 10.0  # seconds a single answer may take before the loop gives up


# Requests -----------------------------------------------------------------------------------


def soap_body(operation: str, **params: object) -> bytes:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in params.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><{operation} xmlns="{NS}">{inner}</{operation}></soap:Body></soap:Envelope>'
    ).encode()


def send_char_fax_body() -> bytes:
    return soap_body(
        "SendCharFax",
        Username=USER,
        Password=PASSWORD,
        FaxNumber=FAX_NUMBER,
        Data="Benchmark page",
        FileType="TXT",
    )


def fax_status_body() -> bytes:
    return soap_body(
        "FaxStatus",
        Username=USER,
        Password=PASSWORD,
        LastTransactionID=999999999,
        MaxItems=10,
        TotalCount=0,
        ListSize=0,
        ResultCode=0,
    )


@dataclasses.dataclass(frozen=True)
class Target:
    label: str
    url: str  # http://127.0.0.1:PORT/path
    operation: str
    body: bytes

    @property
    def host_port(self) -> tuple[str, int]:
        match = re.match(r"http://([^:/]+):(\d+)", self.url)
        assert match, self.url
        return match.group(1), int(match.group(2))

    @property
    def path(self) -> str:
        return "/" + self.url.split("/", 3)[3] if self.url.count("/") >= 3 else "/"

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{NS}/{self.operation}"',
        }


def post_once(target: Target) -> tuple[int, bytes]:
    host, port = target.host_port
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("POST", target.path, body=target.body, headers=target.headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# Servers ------------------------------------------------------------------------------------


class Server:
    """A server subprocess in its own session, found by the ``listening on URL`` line."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.argv = argv
        self.log: list[str] = []
        self.process = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.base_url = self._wait_for_url(timeout=60)

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            self._lines.put(line)

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            match = re.search(r"listening on (http://\S+)", line)
            if match:
                return match.group(1)
        self.stop()
        raise RuntimeError(f"{self.name} did not start:\n" + "".join(self.log[-30:]))

    def status(self, key: str) -> str:
        """A line of /proc/<pid>/status, e.g. VmRSS."""
        try:
            text = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return "n/a"
        for line in text.splitlines():
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
        return "n/a"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)  # our own session: the server only
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def real_server_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERFAX_SOAP_")}
    env.update(
        {
            "INTERFAX_SOAP_DATA_DIR": str(data_dir),
            "INTERFAX_SOAP_VIRTUAL_NETWORK__TIME_SCALE": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def start_real_server(data_dir: Path) -> tuple[Server, bool]:
    """``serve --no-worker``; without the flag if this version rejects it."""
    env = real_server_env(data_dir)
    argv = [sys.executable, "-m", "interfax_soap", "serve", "--host", "127.0.0.1", "--port", "0"]
    try:
        return Server("real server", [*argv, "--no-worker"], env), True
    except RuntimeError as error:
        if "no-worker" not in str(error) or "unrecognized" not in str(error):
            raise
    return Server("real server", argv, env), False


def cli(data_dir: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "interfax_soap", *args],
        env=real_server_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"interfax-soap {' '.join(args[:2])} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def seed(send: Target, status: Target) -> None:
    """Submits SEED_FAXES faxes and checks FaxStatus then lists 10 items."""
    for _ in range(SEED_FAXES):
        code, answer = post_once(send)
        match = re.search(rb"<SendCharFaxResult>(-?\d+)</SendCharFaxResult>", answer)
        if code != 200 or not match or int(match.group(1)) <= 0:
            raise RuntimeError(f"SendCharFax failed (HTTP {code}): {answer[:500]!r}")
    code, answer = post_once(status)
    items = answer.count(b"<FaxItem>")
    if code != 200 or items != 10 or b"<ResultCode>0</ResultCode>" not in answer:
        raise RuntimeError(f"FaxStatus did not list 10 items (HTTP {code}, {items} items)")


# Load generators ----------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    p50_ms: float | None = None
    p99_ms: float | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def _wrk_duration(text: str) -> float | None:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]
    return float(match.group(1)) * scale


class Wrk:
    name = "wrk"

    def __init__(self, executable: str, workdir: Path) -> None:
        self.executable = executable
        self.workdir = workdir
        version = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=10
        )
        first = (version.stdout + version.stderr).strip().splitlines()
        self.version = first[0].split(" Copyright")[0] if first else "wrk"

    def script(self, target: Target) -> Path:
        path = self.workdir / f"{target.operation}-{abs(hash(target.body))}.lua"
        headers = "".join(f'wrk.headers["{k}"] = [==[{v}]==]\n' for k, v in target.headers.items())
        path.write_text(
            f'wrk.method = "POST"\nwrk.body = [==[{target.body.decode()}]==]\n{headers}'
        )
        return path

    def run(self, target: Target, seconds: float, connections: int) -> Result:
        threads = max(1, min(connections, os.cpu_count() or 1))
        argv = [
            self.executable,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            f"--timeout={int(READ_TIMEOUT)}s",
            "-s",
            str(self.script(target)),
            target.url,
        ]
        process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            output, _ = process.communicate(timeout=seconds + 60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        total = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
        if process.returncode != 0 or not total:
            raise RuntimeError(f"wrk failed:\n{output}")
        elapsed = float(total.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[total.group(3)]
        errors = 0
        non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        if non_2xx:
            errors += int(non_2xx.group(1))
        socket_errors = re.search(
            r"Socket errors: connect (\d+), read (\d+), write (\d+), "
            r"timeout (\d+)",
            output,
        )
        if socket_errors:
            errors += sum(int(g) for g in socket_errors.groups())
        percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
        return Result(
            requests=int(total.group(1)),
            seconds=elapsed,
            errors=errors,
            p50_ms=_wrk_duration(percentiles.get("50", "")),
            p99_ms=_wrk_duration(percentiles.get("99", "")),
        )


async def _read_answer(reader: asyncio.StreamReader) -> int:
    """Reads one HTTP/1.1 response; returns its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        raise ConnectionError("answer without length: keep-alive impossible")
    return status


class PythonLoad:
    """Keep-alive HTTP/1.1 connections on one asyncio loop (raw streams, no client library)."""

    name = "python (built-in asyncio generator)"
    version = f"Python {platform.python_version()}"

    def run(self, target: Target, seconds: float, connections: int) -> Result:
        return asyncio.run(self._run(target, seconds, connections))

    async def _run(self, target: Target, seconds: float, connections: int) -> Result:
        host, port = target.host_port
        request = (
            f"POST {target.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in target.headers.items())
            + f"Content-Length: {len(target.body)}\r\n\r\n"
        ).encode("latin-1") + target.body
        budget = [MAX_REQUESTS_PER_RUN]
        latencies: list[float] = []
        errors = [0]
        start = time.perf_counter()
        deadline = start + seconds

        async def connection() -> None:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port), READ_TIMEOUT
            )
            try:
                while time.perf_counter() < deadline and budget[0] > 0:
                    budget[0] -= 1
                    sent = time.perf_counter()
                    writer.write(request)
                    status = await asyncio.wait_for(_read_answer(reader), READ_TIMEOUT)
                    latencies.append(time.perf_counter() - sent)
                    if status != 200:
                        errors[0] += 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                errors[0] += 1
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()

        await asyncio.gather(*(connection() for _ in range(connections)))
        elapsed = time.perf_counter() - start
        latencies.sort()

        def percentile(fraction: float) -> float | None:
            if not latencies:
                return None
            return latencies[min(len(latencies) - 1, int(len(latencies) * fraction))] * 1000

        return Result(len(latencies), elapsed, errors[0], percentile(0.50), percentile(0.99))


# Report -------------------------------------------------------------------------------------


def _mib(status_value: str) -> str:
    match = re.match(r"(\d+)\s*kB", status_value)
    return f"{int(match.group(1)) / 1024:.1f} MiB" if match else status_value


def _ms(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def report(results: dict[str, Result], servers: list[Server]) -> str:
    rows = [
        ("SendCharFax", "real server", results["send"]),
        ("FaxStatus (10 items)", "real server", results["status"]),
        ("SendCharFax (canned)", "bare Twisted", results["canned"]),
    ]
    lines = [
        f"{'request':<22} {'server':<13} {'req/s':>9} {'requests':>9} {'errors':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7}"
    ]
    for operation, server_name, result in rows:
        lines.append(
            f"{operation:<22} {server_name:<13} {result.rate:>9,.0f} {result.requests:>9,} "
            f"{result.errors:>6} {_ms(result.p50_ms):>7} {_ms(result.p99_ms):>7}"
        )
    bare = results["canned"].rate or float("nan")
    lines.append("")
    lines.append(f"ratio real/bare  SendCharFax  {results['send'].rate / bare:.2f}")
    lines.append(f"ratio real/bare  FaxStatus    {results['status'].rate / bare:.2f}")
    lines.append("")
    for server_instance in servers:
        lines.append(
            f"RSS after run  {server_instance.name:<12} {_mib(server_instance.status('VmRSS')):>10}"
            f"  (peak {_mib(server_instance.status('VmHWM'))})"
        )
    return "\n".join(lines)


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGINT (even when started with it ignored, as ``cmd &`` does) and SIGTERM clean up."""

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old_handler in previous.items():
            signal.signal(sig, old_handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per target")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.connections <= 0:
        parser.error("--seconds and --connections must be positive")

    servers: list[Server] = []
    with terminate_as_interrupt(), tempfile.TemporaryDirectory(prefix="soapbench-") as tmp:
        workdir = Path(tmp)
        try:
            wrk_path = shutil.which("wrk")
            generator: Wrk | PythonLoad
            if args.generator == "wrk" and not wrk_path:
                parser.error("wrk is not installed (Debian: apt-get install wrk)")
            if wrk_path and args.generator != "python":
                generator = Wrk(wrk_path, workdir)
            else:
                generator = PythonLoad()
            print(
                f"load generator: {generator.name} ({generator.version}); "
                f"{args.connections} keep-alive connections, {args.seconds:g} s per target "
                f"after {args.warmup:g} s warm-up; {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}",
                flush=True,
            )

            bare = Server(
                "bare server",
                [sys.executable, str(HERE / "_canned_server.py")],
                {**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            servers.append(bare)
            real, no_worker = start_real_server(workdir / "data")
            servers.append(real)
            if not no_worker:
                print(
                    "note: serve --no-worker was rejected; the in-process worker is running",
                    flush=True,
                )
            print(f"bare server {bare.base_url}, real server {real.base_url}", flush=True)
            cli(workdir / "data", "user", "add", USER, "--password", PASSWORD)

            dfs = f"{real.base_url}/dfs.asmx"
            send = Target("SendCharFax", dfs, "SendCharFax", send_char_fax_body())
            status = Target("FaxStatus", dfs, "FaxStatus", fax_status_body())
            canned = Target(
                "canned", f"{bare.base_url}/dfs.asmx", "SendCharFax", send_char_fax_body()
            )
            seed(send, status)

            results: dict[str, Result] = {}
            # FaxStatus first, while the table holds just the 10 seeded faxes.
            for key, target in (("status", status), ("send", send), ("canned", canned)):
                if args.warmup > 0:
                    generator.run(target, args.warmup, args.connections)
                print(f"measuring {target.label} on {target.url} ...", flush=True)
                results[key] = generator.run(target, args.seconds, args.connections)
            print()
            print(report(results, servers))
            return 0
        except KeyboardInterrupt:
            print("\ninterrupted: stopping servers", file=sys.stderr)
            return 130
        except RuntimeError as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 1
        finally:
            for server_instance in reversed(servers):
                server_instance.stop()


if __name__ == "__main__":
    sys.exit(main())
