"""Word (.docx, through python-docx) and OpenDocument text (.odt, through odfpy).

Every paragraph becomes a paragraph of the text, in body order; headings are recorded with their
level, list items keep a bullet, table rows become one line with the cells separated by " | ".
The title comes from the file's properties, else from the first heading (in the loader).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from rag.corpus.readers.base import Extracted, ReaderError, TextBuilder, require

BULLET = "• "
# An OLE2 compound file: what Word and LibreOffice write for a password-protected document (and
# the old binary .doc format), never a valid .docx/.odt zip.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^(?:heading|kop)\s*(\d)$", re.IGNORECASE)


def read_docx(path: Path, data: bytes) -> Extracted:
    docx = require("docx", "python-docx")
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError) as exc:
        raise _broken(path, exc) from exc
    builder = TextBuilder()
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                builder.paragraph(" | ".join(cell.text.strip() for cell in row.cells))
            continue
        builder.paragraph(_docx_paragraph(block), heading=_docx_heading_level(block))
    return builder.build(title=document.core_properties.title)


def _docx_heading_level(paragraph: Any) -> int:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name == "Title":
        return 1
    found = _HEADING_STYLE.match(name)
    return int(found.group(1)) if found else 0


def _docx_paragraph(paragraph: Any) -> str:
    name = paragraph.style.name if paragraph.style is not None else ""
    p_pr = paragraph._p.pPr
    is_list = name.startswith("List") or (p_pr is not None and p_pr.numPr is not None)
    text: str = paragraph.text
    return BULLET + text if is_list and text.strip() else text


def read_odt(path: Path, data: bytes) -> Extracted:
    require("odf", "odfpy")
    from odf import dc, teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    try:
        document = load(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _broken(path, exc) from exc
    builder = TextBuilder()

    def walk(node: Any, in_list: bool) -> None:
        for child in node.childNodes:
            name = getattr(child, "qname", None)
            if name == (TEXTNS, "h"):
                level = int(child.getAttrNS(TEXTNS, "outline-level") or 1)
                builder.paragraph(teletype.extractText(child), heading=level)
            elif name == (TEXTNS, "p"):
                text = teletype.extractText(child)
                builder.paragraph(BULLET + text if in_list and text.strip() else text)
            elif name is not None:
                walk(child, in_list or name == (TEXTNS, "list"))

    walk(document.text, False)
    titles = document.meta.getElementsByType(dc.Title)
    return builder.build(title=teletype.extractText(titles[0]).strip() if titles else None)


def _broken(path: Path, exc: Exception) -> ReaderError:
    if path.read_bytes()[:8] == _OLE_MAGIC:
        return ReaderError(
            "is password-protected (or an old binary .doc saved under a new name): save a copy "
            "without a password, as .docx or .odt, and put that in the corpus folder"
        )
    return ReaderError(
        f"is not a readable {path.suffix.lstrip('.').lower()} file ({type(exc).__name__}): "
        "open and re-save it, or remove it from the corpus folder"
    )
