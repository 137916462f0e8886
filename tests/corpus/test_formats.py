"""Word, OpenDocument, HTML, EPUB and text in many encodings, each through the loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus import load_corpus
from rag.corpus.readers import read_document
from rag.types import Document
from tests.corpus.fixtures import HTML_PAGE, docx_file, epub_file


def _only(folder: Path) -> Document:
    load = load_corpus(folder)
    assert load.skipped == ()
    [doc] = load.documents
    return doc


def _in_order(text: str, *parts: str) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def test_docx_keeps_headings_lists_and_order(tmp_path: Path) -> None:
    path = docx_file(tmp_path / "verslag.docx")
    doc = _only(tmp_path)
    assert doc.title == "Jaarverslag van de vereniging" and doc.language == "nl"
    assert _in_order(
        doc.text,
        "Jaarverslag van de vereniging\n\nDit verslag beschrijft",
        "\n\nActiviteiten\n\n",
        "De vereniging organiseerde drie lezingen.",
        "• Een lezing over de NAVO\n\n• Een excursie naar Den Haag",
        "\n\nFinanciën\n\n",
        "De contributie bleef gelijk op twintig euro per jaar.",
        "Zaalhuur | 300\n\nSprekers | 450",
    )
    extracted = read_document(path, path.read_bytes())
    headings = [(extracted.text[s:e], level) for s, e, level in extracted.headings]
    assert headings == [("Jaarverslag van de vereniging", 1), ("Activiteiten", 2), ("Financiën", 2)]


def test_odt_keeps_headings_lists_and_order(tmp_path: Path) -> None:
    from odf import dc, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Notulen van de vergadering"))
    document.text.addElement(text.H(outlinelevel=1, text="Notulen"))
    document.text.addElement(text.P(text="De vergadering begon om acht uur."))
    items = text.List()
    for line in ("Opening door de voorzitter", "Vaststelling van de agenda"):
        item = text.ListItem()
        item.addElement(text.P(text=line))
        items.addElement(item)
    document.text.addElement(items)
    document.text.addElement(text.H(outlinelevel=2, text="Rondvraag"))
    document.text.addElement(text.P(text="Er waren geen vragen."))
    document.save(str(tmp_path / "notulen.odt"))
    doc = _only(tmp_path)
    assert doc.title == "Notulen van de vergadering"
    assert doc.text == (
        "Notulen\n\nDe vergadering begon om acht uur.\n\n• Opening door de voorzitter\n\n"
        "• Vaststelling van de agenda\n\nRondvraag\n\nEr waren geen vragen."
    )


def test_html_keeps_the_article_and_drops_navigation_and_cookie_banner(tmp_path: Path) -> None:
    (tmp_path / "brigade.html").write_text(HTML_PAGE, "utf-8")
    doc = _only(tmp_path)
    assert doc.title == "Nieuwe brigade in Litouwen"
    assert doc.date == "2024-03-15"
    assert _in_order(
        doc.text,
        "Duitsland stationeert voor het eerst",
        "De eerste militairen arriveerden deze week in Vilnius.",
        "met hun gezinnen naar het land verhuizen.",
    )
    for boilerplate in ("cookies", "Accepteren", "Binnenland", "Meest gelezen", "Files op de A12", "rechten"):
        assert boilerplate not in doc.text


def test_saved_web_page_assets_are_left_out_with_a_line(tmp_path: Path) -> None:
    (tmp_path / "brigade.html").write_text(HTML_PAGE, "utf-8")
    (tmp_path / "brigade_files").mkdir()
    (tmp_path / "brigade_files" / "app.js").write_text("var x = 1;", "utf-8")
    load = load_corpus(tmp_path, strict=True)  # left out on purpose: not a problem
    assert [d.path for d in load.documents] == ["brigade.html"]
    assert [(s.path, s.problem) for s in load.skipped] == [("brigade_files", False)]
    assert "saved web page" in load.skipped[0].reason


def test_epub_is_read_in_spine_order_with_its_metadata(tmp_path: Path) -> None:
    epub_file(
        tmp_path / "boek.epub",
        [
            ("Hoofdstuk een", "Het boek begint in Amsterdam."),
            ("Hoofdstuk twee", "Daarna reist de schrijver naar Utrecht."),
            ("Hoofdstuk drie", "Het boek eindigt in Groningen."),
        ],
        title="Een reis door Nederland",
    )
    doc = _only(tmp_path)
    assert doc.title == "Een reis door Nederland" and doc.date == "2021-05-04"
    assert doc.text == (
        "Hoofdstuk een\n\nHet boek begint in Amsterdam.\n\nHoofdstuk twee\n\n"
        "Daarna reist de schrijver naar Utrecht.\n\nHoofdstuk drie\n\nHet boek eindigt in Groningen."
    )


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_text_in_common_encodings(tmp_path: Path, encoding: str) -> None:
    text = "Café “De Oekraïne” – één überhaupt goede zaak, zegt Zoë.\n\nTweede alinea met € 5."
    if encoding == "latin-1":
        text = text.replace("“", '"').replace("”", '"').replace("–", "-").replace("€", "EUR")
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    doc = _only(tmp_path)
    assert "\x00" not in doc.text
    assert doc.text == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_plain_ascii_in_utf16_without_a_bom_is_not_read_as_utf8(tmp_path: Path, encoding: str) -> None:
    # Valid UTF-8 byte for byte (NUL is a UTF-8 character): it must still be read as UTF-16.
    text = "De dijken in Friesland zijn hoog genoeg, zegt het waterschap."
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))
    assert _only(tmp_path).text == text


def test_other_code_pages_are_detected(tmp_path: Path) -> None:
    text = "Путин угрожает применить ядерное оружие, заявил он в среду. Кремль молчит."
    (tmp_path / "ru.txt").write_bytes(text.encode("cp1251"))
    assert _only(tmp_path).text == text


def test_markdown_title_and_crlf(tmp_path: Path) -> None:
    (tmp_path / "n.md").write_bytes(b"# Notities\r\n\r\nEen regel over de NAVO.\r\n")
    doc = _only(tmp_path)
    assert doc.title == "Notities" and "Een regel over de NAVO." in doc.text


def test_corrupt_office_files_and_unknown_formats_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "kapot.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "kapot.odt").write_bytes(b"nope")
    (tmp_path / "geheim.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    (tmp_path / "kapot.epub").write_bytes(b"PK")
    (tmp_path / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "ok.txt").write_text("Goed.", "utf-8")
    load = load_corpus(tmp_path)
    assert [d.path for d in load.documents] == ["ok.txt"]
    reasons = {s.path: s.reason for s in load.skipped}
    assert reasons["kapot.docx"].startswith("kapot.docx is not a readable docx file")
    assert reasons["kapot.odt"].startswith("kapot.odt is not a readable odt file")
    assert reasons["geheim.docx"].startswith("geheim.docx is password-protected")
    assert reasons["kapot.epub"].startswith("kapot.epub is not a readable EPUB")
    assert reasons["foto.jpg"].startswith("foto.jpg has an unsupported format (.jpg): supported are .txt")
