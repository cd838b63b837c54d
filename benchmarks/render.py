"""PDF to fax TIFF: this project's renderer against Ghostscript's tiffg32d, in one run.

    python benchmarks/render.py [--repeat 3] [--pages 10] [--keep DIR]

Builds the same multi-page A4 PDFs for both with WeasyPrint (``--pages`` sections each: dense
Latin text at 6-12 pt, Japanese text at 8-12 pt, and a mixed page set with a table, rules and
a greyscale photo; long sections run over two pages), then renders each document
one at a time, at standard (204x98) and fine (204x196) resolution:

- project: ``render_documents([(pdf, "PDF")], RenderOptions(fine=...))`` in this process
  (G3 2-D, min-is-white), after one unmeasured warm-up;
- Ghostscript: ``gs -sDEVICE=tiffg32d`` (the same T.4 2-D coding) in a new process per
  document, at the resolution that makes the A4 width exactly 1728 pixels as the project
  does (209.1 dpi across), so both produce the same pixel grid.

Prints, per resolution and document and in total: pages/s, bytes per page and the share of
black pixels, for both and as ratios project/Ghostscript. Ghostscript's time includes its
process start (as a per-document conversion pays it); the start alone (``gs -c quit``) is
measured and printed too, with the rate it would have without it. The best of ``--repeat``
runs is kept. Needs Ghostscript (``apt-get install ghostscript``) and WeasyPrint.
"""

from __future__ import annotations

import argparse
import base64
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageSequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interfax_soap.render import RenderOptions, render_documents  # noqa: E402

A4_WIDTH_PT = 595.2756  # 210 mm
FAX_WIDTH = 1728

LATIN = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit. Invoice 2026-0042: 17 items at "
    "EUR 1,234.56; delivery to 1-7-1 Konan, Minato-ku. The quick brown fox jumps over the lazy "
    'dog. illustrate minimum 0123456789 (e.g. "quoted"; [brackets] & {braces}).'
)
JAPANESE = (
    "拝啓 時下ますますご清栄のこととお慶び申し上げます。請求書番号二〇二六―〇〇四二、"
    "東京都港区港南一丁目七番一号。納品予定日は十二月三日（水）です。ご確認の程、"
    "よろしくお願い申し上げます。敬具 "
)


def build_documents(pages: int) -> dict[str, bytes]:
    """The benchmark corpus: name -> PDF, each ``pages`` A4 pages long."""
    import weasyprint

    css = "@page { size: A4; margin: 15mm } body { font-family: sans-serif } p { margin: 2pt 0 }"
    latin = "".join(
        f"<section style='page-break-after: always'><h2>Page {n + 1}</h2>"
        + "".join(f"<p style='font-size:{6 + (i % 7)}pt'>{LATIN}</p>" for i in range(34))
        + "</section>"
        for n in range(pages)
    )
    japanese = "".join(
        f"<section style='page-break-after: always'><h2>第{n + 1}頁</h2>"
        + "".join(f"<p style='font-size:{8 + (i % 5)}pt'>{JAPANESE * 2}</p>" for i in range(22))
        + "</section>"
        for n in range(pages)
    )
    photo = _photo_data_uri()
    rows = "".join(
        f"<tr><td>{i}</td><td>Item {i} description</td><td>{i * 3}</td><td>{i * 1.5:.2f}</td></tr>"
        for i in range(40)
    )
    mixed = "".join(
        f"<section style='page-break-after: always'><h1>Report {n + 1}</h1>"
        f"<img src='{photo}' style='width:80mm'>"
        f"<table border=1 style='border-collapse:collapse;font-size:8pt;width:100%'>{rows}</table>"
        + "".join(f"<hr><p style='font-size:9pt'>{LATIN}</p>" for _ in range(3))
        + "</section>"
        for n in range(pages)
    )
    documents = {}
    for name, body in (("latin", latin), ("japanese", japanese), ("mixed", mixed)):
        html = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
        documents[name] = weasyprint.HTML(string=html).write_pdf()
    return documents


def _photo_data_uri() -> str:
    image = Image.radial_gradient("L").resize((600, 400))
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _page_count(pdf: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def project(pdf: bytes, fine: bool) -> tuple[float, bytes]:
    start = time.perf_counter()
    rendered = render_documents([(pdf, "PDF")], RenderOptions(fine=fine))
    return time.perf_counter() - start, rendered.tiff


def ghostscript(gs: str, pdf_path: Path, out: Path, fine: bool) -> tuple[float, bytes]:
    x_dpi = 72 * FAX_WIDTH / A4_WIDTH_PT
    y_dpi = x_dpi * (196 if fine else 98) / 204
    command = [
        gs,
        "-q",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",
        "-sDEVICE=tiffg32d",
        f"-r{x_dpi:.3f}x{y_dpi:.3f}",
        f"-sOutputFile={out}",
        str(pdf_path),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start, out.read_bytes()


def gs_start(gs: str, repeat: int) -> float:
    times = []
    for _ in range(max(3, repeat)):
        start = time.perf_counter()
        subprocess.run(
            [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=nullpage", "-c", "quit"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        times.append(time.perf_counter() - start)
    return min(times)


def measure(tiff: bytes) -> tuple[int, float, int]:
    """(pages, share of black pixels, width of the first page)."""
    black = total = pages = 0
    width = 0
    with Image.open(io.BytesIO(tiff)) as image:
        for frame in ImageSequence.Iterator(image):
            histogram = frame.convert("L").histogram()
            black += histogram[0]
            total += sum(histogram)
            pages += 1
            width = width or frame.width
    return pages, black / max(1, total), width


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="write the PDFs and TIFFs here")
    args = parser.parse_args()
    gs = shutil.which("gs")
    if gs is None:
        print("Ghostscript (gs) is not installed: apt-get install ghostscript", file=sys.stderr)
        return 2
    version = subprocess.run([gs, "--version"], capture_output=True, text=True).stdout.strip()
    documents = build_documents(args.pages)
    sizes = ", ".join(f"{name} {_page_count(pdf)}" for name, pdf in documents.items())
    print(f"Ghostscript {version}; A4 documents (pages): {sizes}; best of {args.repeat}")
    startup = gs_start(gs, args.repeat)
    print(f"Ghostscript process start alone: {startup * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for fine in (False, True):
            run_resolution(documents, fine, gs, folder, args.repeat, startup)
    return 0


def run_resolution(
    documents: dict[str, bytes], fine: bool, gs: str, folder: Path, repeat: int, startup: float
) -> None:
    label = "fine 204x196" if fine else "standard 204x98"
    print(f"\n{label}")
    print(f"{'document':10} {'renderer':12} {'pages/s':>8} {'bytes/page':>11} {'black %':>8}")
    totals = {"project": [0.0, 0, 0, 0.0], "ghostscript": [0.0, 0, 0, 0.0]}
    for name, pdf in documents.items():
        pdf_path = folder / f"{name}.pdf"
        pdf_path.write_bytes(pdf)
        project(pdf, fine)  # warm-up: fonts, PDFium, the encoder self-check
        runs = {"project": [], "ghostscript": []}
        outputs: dict[str, bytes] = {}
        for _ in range(repeat):  # interleaved, so both see the same machine load
            seconds, outputs["project"] = project(pdf, fine)
            runs["project"].append(seconds)
            out = folder / f"{name}-{'fine' if fine else 'std'}-gs.tif"
            seconds, outputs["ghostscript"] = ghostscript(gs, pdf_path, out, fine)
            runs["ghostscript"].append(seconds)
        (folder / f"{name}-{'fine' if fine else 'std'}-project.tif").write_bytes(outputs["project"])
        for renderer in ("project", "ghostscript"):
            pages, black, width = measure(outputs[renderer])
            assert width == FAX_WIDTH, f"{renderer} wrote {width}-pixel rows"
            seconds = min(runs[renderer])
            size = len(outputs[renderer])
            total = totals[renderer]
            total[0] += seconds
            total[1] += pages
            total[2] += size
            total[3] += black * pages
            print(
                f"{name:10} {renderer:12} {pages / seconds:8.1f} {size / pages:11,.0f} "
                f"{black * 100:8.2f}   (median {statistics.median(runs[renderer]):.2f} s)"
            )
    (p_time, p_pages, p_bytes, p_black), (g_time, g_pages, g_bytes, g_black) = (
        totals["project"],
        totals["ghostscript"],
    )
    print(
        f"{'all':10} {'project':12} {p_pages / p_time:8.1f} {p_bytes / p_pages:11,.0f} "
        f"{p_black / p_pages * 100:8.2f}"
    )
    print(
        f"{'all':10} {'ghostscript':12} {g_pages / g_time:8.1f} {g_bytes / g_pages:11,.0f} "
        f"{g_black / g_pages * 100:8.2f}"
    )
    documents_count = len(documents)
    g_no_start = g_pages / max(1e-9, g_time - documents_count * startup)
    print(
        f"ratios project/ghostscript: speed {p_pages / p_time / (g_pages / g_time):.2f}x "
        f"(vs gs without its process start: {p_pages / p_time / g_no_start:.2f}x), "
        f"bytes/page {p_bytes / p_pages / (g_bytes / g_pages):.2f}, "
        f"black share {p_black / p_pages / (g_black / g_pages):.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
