"""A folder as people have it: the five seeds plus a two-column PDF, a scan, a Word file, a saved
web page, an EPUB, a Latin-1 text, an encrypted and a corrupt PDF. One `rag ingest` indexes what
can be read and names what cannot, one line each; then a known question per format is answered
(the extractive backend, offline twins) with a citation that names the page or the heading."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.config import Settings
from rag.testing import SEEDS
from rag.testing import test_settings as make_settings
from tests.corpus.fixtures import HTML_PAGE, docx_file, epub_file, scanned_pdf, text_pdf, two_column_pdf

SCAN = "De gemeente opent in maart een nieuwe bibliotheek aan het plein."
CHAPTERS = [
    ("De molen", "De molen aan de rivier maalt al sinds 1850 graan voor het hele dorp."),
    ("De bakkerij", "De bakker in het dorp verkoopt elke ochtend vers roggebrood aan de vissers."),
]
LATIN1 = "Het café aan de haven serveert sinds 1998 crème brûlée aan de zeelieden.\n"

# (question, answer language, file that must be cited, words of the quoted span, where it is)
CASES = [
    ("When were four battalions sent to the region?", "en", "article.pdf", "four battalions", "p. 1"),
    ("What was patrolled around the clock?", "en", "article.pdf", "patrolled around the clock", "p. 2"),
    ("Wanneer opent de gemeente een nieuwe bibliotheek?", "nl", "brief.pdf", "bibliotheek", "p. 1"),
    ("Hoeveel bedraagt de contributie per jaar?", "nl", "verslag.docx", "twintig euro", "Financiën"),
    ("Wat verkoopt de bakker in het dorp elke ochtend?", "nl", "boek.epub", "roggebrood", "De bakkerij"),
    ("Wat serveert het café aan de haven sinds 1998?", "nl", "cafe.txt", "crème brûlée", ""),
]  # fmt: skip


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert shutil.which("tesseract"), "tesseract is missing: ./rag.sh installs tesseract-ocr"
    corpus = tmp_path_factory.mktemp("mixed") / "docs"
    shutil.copytree(SEEDS, corpus)
    two_column_pdf(corpus / "article.pdf")
    scanned_pdf(corpus / "brief.pdf", SCAN)
    docx_file(corpus / "verslag.docx")
    (corpus / "nieuws.html").write_text(HTML_PAGE, encoding="utf-8")
    epub_file(corpus / "boek.epub", CHAPTERS)
    (corpus / "cafe.txt").write_bytes(LATIN1.encode("latin-1"))
    text_pdf(corpus / "geheim.pdf", ["Alleen met wachtwoord te lezen."], user_password="geheim")
    (corpus / "kapot.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<<>>\n%%garbage, no xref, no trailer")
    return corpus


@pytest.fixture(scope="module")
def settings(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("app"), folder, generator="extractive")


@pytest.fixture(scope="module")
def ingest_output(settings: Settings) -> str:
    env = {
        "RAG_HOME": str(settings.home),
        "RAG_DATA_DIR": str(settings.data_dir),
        "RAG_CORPUS_DIR": str(settings.corpus_dir),
        "RAG_EMBEDDER": "hashing",
        "RAG_EMBED_THREADS": "1",
    }
    result = CliRunner().invoke(app, ["ingest"], env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def assistant(settings: Settings, ingest_output: str) -> Assistant:
    return Assistant.from_settings(settings)


def test_one_ingest_reads_every_format_and_names_each_skip(ingest_output: str, assistant: Assistant) -> None:
    paths = {doc.path for doc in assistant.documents}
    expected = {"article.pdf", "brief.pdf", "verslag.docx", "nieuws.html", "boek.epub", "cafe.txt"}
    assert expected <= paths
    assert len([p for p in paths if p.endswith(".txt") and p != "cafe.txt"]) == 5  # the seeds
    assert not {"geheim.pdf", "kapot.pdf"} & paths
    lines = ingest_output.splitlines()
    assert any("geheim.pdf" in line and "password" in line.lower() for line in lines), ingest_output
    assert any("kapot.pdf" in line for line in lines), ingest_output


@pytest.mark.parametrize(("question", "language", "path", "words", "where"), CASES, ids=[c[2] for c in CASES])
def test_a_known_question_is_cited_at_its_page_or_heading(
    assistant: Assistant, question: str, language: str, path: str, words: str, where: str
) -> None:
    answer = assistant.answer(question, language=language)

    assert not answer.refused, answer.refusal_reason
    doc_id = next(doc.id for doc in assistant.documents if doc.path == path)
    cited = [c for c in answer.citations if c.doc_id == doc_id and words in " ".join(c.quote.split())]
    assert cited, [(c.title, c.quote) for c in answer.citations]
    assert cited[0].location == where


def test_the_web_page_is_cited_without_its_navigation(assistant: Assistant) -> None:
    answer = assistant.answer("Hoeveel militairen telt de Duitse brigade in Litouwen?", language="nl")

    [doc] = [d for d in assistant.documents if d.path == "nieuws.html"]
    assert doc.title == "Nieuwe brigade in Litouwen" and doc.date == "2024-03-15"
    assert any(c.doc_id == doc.id and "vijfduizend" in c.quote for c in answer.citations), answer.text
    assert "cookies" not in doc.text and "Meest gelezen" not in doc.text
