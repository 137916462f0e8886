"""OCR of PDF pages without a text layer: pypdfium2 renders a page, Debian's tesseract reads it.

tesseract is a system program, not a Python package: `./rag.sh` installs `tesseract-ocr` with the
Dutch and English models. Without it, a scan is skipped with a message that says what to install,
never indexed as an empty document. OCR runs on one thread (OMP_THREAD_LIMIT=1): the machine is
shared, and pages are read one after another.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rag.corpus.readers.base import ReaderError, require

LANGUAGES = ("nld", "eng")
DPI = 300
PAGE_TIMEOUT_S = 180
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-nld tesseract-ocr-eng"


def ocr_pdf_pages(path: Path, pages: list[int]) -> dict[int, str]:
    """The text of the given pages (0-based) of the PDF at `path`, read by OCR."""
    binary, languages = _tesseract()
    pdfium = require("pypdfium2", "pypdfium2")
    texts: dict[int, str] = {}
    pdf = pdfium.PdfDocument(str(path))
    try:
        with tempfile.TemporaryDirectory(prefix="rag-ocr-") as tmp:
            for index in pages:
                image = Path(tmp) / f"page{index}.png"
                pdf[index].render(scale=DPI / 72).to_pil().convert("L").save(image)
                texts[index] = _run(binary, image, languages)
    finally:
        pdf.close()
    return texts


def _tesseract() -> tuple[str, str]:
    binary = shutil.which("tesseract")
    if binary is None:
        raise ReaderError(f"is a scan without a text layer, and OCR needs tesseract: run '{INSTALL}'")
    listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=False)
    installed = set(listed.stdout.split())
    languages = [lang for lang in LANGUAGES if lang in installed]
    if not languages:
        raise ReaderError(
            f"is a scan without a text layer, and tesseract has no Dutch or English model: run '{INSTALL}'"
        )
    return binary, "+".join(languages)


def _run(binary: str, image: Path, languages: str) -> str:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # the subprocess inherits everything else
    try:
        done = subprocess.run(
            [binary, str(image), "stdout", "-l", languages],
            capture_output=True,
            text=True,
            timeout=PAGE_TIMEOUT_S,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ReaderError(f"took more than {PAGE_TIMEOUT_S} s to OCR one page: split or remove it") from exc
    if done.returncode != 0:
        raise ReaderError(f"could not be read by tesseract ({done.stderr.strip()[:200]}): check the file")
    return done.stdout
