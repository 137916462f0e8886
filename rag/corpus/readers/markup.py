"""HTML and saved web pages (main text through trafilatura: navigation, cookie banners, footers
and link lists dropped; title and date from the page's metadata), and EPUB (the spine's XHTML
documents in reading order, through zipfile and lxml: the EPUB library ebooklib is AGPL)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any

from rag.corpus.readers.base import Extracted, ReaderError, TextBuilder, require
from rag.corpus.readers.text import decode

_BLOCKS = {"p", "li", "blockquote", "pre", "dd", "dt", "td", "th", "caption", "figcaption", "div"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_SKIP = {"script", "style", "nav", "head", "template", "noscript"}
_OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def read_html(path: Path, data: bytes) -> Extracted:
    trafilatura = require("trafilatura", "trafilatura")
    found = trafilatura.bare_extraction(
        decode(data), with_metadata=True, include_comments=False, include_tables=True, output_format="python"
    )
    text = getattr(found, "text", None) if found is not None else None
    if not text or not text.strip():
        raise ReaderError(
            "has no main text (only navigation or boilerplate): remove it from the corpus folder"
        )
    builder = TextBuilder()
    for line in text.split("\n"):
        builder.paragraph(line)
    return builder.build(title=getattr(found, "title", None), date=_iso_date(getattr(found, "date", None)))


def _iso_date(value: str | None) -> str | None:
    found = re.match(r"(?:19|20)\d\d-\d\d(?:-\d\d)?", value or "")
    return found.group(0) if found else None


def read_epub(path: Path, data: bytes) -> Extracted:
    etree = require("lxml.etree", "lxml")
    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
            if "META-INF/encryption.xml" in names:
                raise ReaderError(
                    "is DRM-protected (encrypted): put an unprotected copy in the corpus folder"
                )
            container = etree.fromstring(book.read("META-INF/container.xml"))
            opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
            opf = etree.fromstring(book.read(opf_path))
            builder = TextBuilder()
            for href in _spine(opf, posixpath.dirname(opf_path)):
                if href in names:
                    _blocks(etree.fromstring(book.read(href), etree.XMLParser(recover=True)), builder)
    except (zipfile.BadZipFile, KeyError, IndexError, etree.XMLSyntaxError) as exc:
        raise ReaderError(
            f"is not a readable EPUB ({type(exc).__name__}): re-save it, or remove it from the corpus folder"
        ) from exc
    title = opf.xpath("string(//dc:title)", namespaces=_OPF_NS).strip()
    date = opf.xpath("string(//dc:date)", namespaces=_OPF_NS).strip()
    return builder.build(title=title, date=_iso_date(date))


def _spine(opf: Any, base: str) -> list[str]:
    items = {
        item.get("id"): posixpath.normpath(posixpath.join(base, item.get("href", "")))
        for item in opf.xpath("//opf:manifest/opf:item", namespaces=_OPF_NS)
    }
    refs = opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=_OPF_NS)
    return [items[ref] for ref in refs if ref in items]


def _blocks(root: Any, builder: TextBuilder) -> None:
    """Every innermost block element's text as a paragraph, headings with their level."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag not in _BLOCKS and tag not in _HEADINGS:
            continue
        if any(_local(a) in _SKIP for a in element.iterancestors()):
            continue
        if any(_local(d) in _BLOCKS or _local(d) in _HEADINGS for d in element.iterdescendants()):
            continue
        builder.paragraph(" ".join("".join(element.itertext()).split()), heading=_HEADINGS.get(tag, 0))


def _local(element: Any) -> str:
    return element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
