"""The rich renderables for `rag ingest` and `rag inspect`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from rag.corpus import chunk_documents, chunk_in_context, documents_table, load_corpus
from tests.corpus.helpers import words


def _render(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_documents_table_lists_documents_and_skipped_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(" date 2023-03 Kernwapens naar Belarus.\n\nDe NAVO reageerde.", "utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    load = load_corpus(tmp_path)
    chunks = chunk_documents(load.documents, words, target_tokens=16, overlap_tokens=0)
    out = _render(documents_table(load, chunks))
    assert "Kernwapens naar Belarus." in out and "2023-03" in out and " nl " in out
    assert "skipped: b.txt is empty (0 bytes)" in out
    assert "1 documents, 1 chunks" in out


def test_chunk_in_context_shows_the_chunk_and_its_surroundings(tmp_path: Path) -> None:
    text = "Titel\n\nEerste alinea over iets anders.\n\nDe gezochte zin staat hier. En nog een.\n\nSlot."
    (tmp_path / "a.txt").write_text(text, "utf-8")
    doc = load_corpus(tmp_path).documents[0]
    chunks = chunk_documents([doc], words, target_tokens=5, overlap_tokens=0)
    chunk = next(c for c in chunks if "gezochte" in c.text)
    out = _render(chunk_in_context(doc, chunk, context_chars=20))
    assert chunk.id in out and "kind=text" in out and f"tokens={chunk.n_tokens}" in out
    assert f"chars {chunk.start}-{chunk.end}" in out
    assert "De gezochte zin staat hier." in out
    assert "over iets anders." in out  # context before
    assert "Eerste" not in out  # beyond the context window


def test_chunk_in_context_shows_its_pages(tmp_path: Path) -> None:
    from tests.corpus.fixtures import text_pdf

    text_pdf(tmp_path / "r.pdf", ["Eerste pagina over de haven.", "Tweede pagina over de sluis."])
    doc = load_corpus(tmp_path).documents[0]
    chunks = chunk_documents([doc], words, target_tokens=5, overlap_tokens=0)
    assert [c.pages for c in chunks] == [(1,), (2,)]
    assert "p. 2" in _render(chunk_in_context(doc, chunks[1], context_chars=5))
