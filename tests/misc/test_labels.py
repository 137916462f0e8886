"""Sources are named for people in one way (rag/labels.py): title, file, date, page/section, in the
web chat's Sources panel, `rag ask` and the export; never by chunk or document id."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rag.cli import app
from rag.labels import SourceLabel, citation_label, hit_label
from tests.ui.fakes import CHUNKS, DOC, make_answer
from ui import render
from ui.export import citation_markdown

CITATION = make_answer("q").citations[0].model_copy(update={"pages": (4, 5), "section": "Kosten"})


def test_a_citation_is_named_by_title_file_date_and_place() -> None:
    label = citation_label(CITATION, DOC)
    assert label == SourceLabel(title=DOC.title, file="a.txt", date="2023-03", where="p. 4–5 · Kosten")
    assert label.text() == "Kernwapens <in> Belarus (a.txt, 2023-03, p. 4–5 · Kosten)"


def test_without_its_document_a_citation_keeps_what_it_carries() -> None:
    assert citation_label(CITATION, None).text() == "Kernwapens <in> Belarus (2023-03, p. 4–5 · Kosten)"
    bare = CITATION.model_copy(update={"date": None, "pages": (), "section": None})
    assert citation_label(bare, None).text() == "Kernwapens <in> Belarus"


@pytest.mark.parametrize("title", ["jaarverslag_2023", "Jaarverslag 2023", "jaarverslag_2023.pdf"])
def test_a_title_taken_from_the_file_name_does_not_repeat_it(title: str) -> None:
    document = DOC.model_copy(update={"path": "jaarverslag_2023.pdf", "title": title})
    assert citation_label(CITATION.model_copy(update={"title": title}), document).file == ""


def test_a_file_in_a_subfolder_is_named_by_its_path() -> None:
    document = DOC.model_copy(update={"path": "notulen/2023/mei.pdf"})
    assert citation_label(CITATION, document).file == "notulen/2023/mei.pdf"


def test_a_hit_is_named_like_a_citation() -> None:
    hit = make_answer("q").hits[1]
    paged = hit.model_copy(update={"chunk": CHUNKS[1].model_copy(update={"pages": (7,)})})
    assert hit_label(paged, DOC).text() == "Kernwapens <in> Belarus (a.txt, 2023-03, p. 7)"


def test_the_panel_and_the_export_use_the_label() -> None:
    card = render.render_citation_card(CITATION, 1, DOC)
    assert '<span class="src-file">a.txt</span>' in card and "&lt;in&gt;" in card
    hits = render.render_sources(make_answer("q", citations=()), 1, lambda doc_id: DOC)
    assert hits.count('<span class="src-file">a.txt</span>') == len(CHUNKS)  # uncited hits too
    assert citation_markdown(CITATION).startswith(
        "**[1]** Kernwapens \\<in\\> Belarus (2023-03, p. 4–5 · Kosten)\n\n> "
    )


def test_rag_ask_names_sources_by_title_and_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "# Kernwapens in Belarus\n\nPoetin wil tactische kernwapens in Belarus plaatsen.\n"
    (corpus / "nieuws_0312.md").write_text(text, encoding="utf-8")
    for name, value in {"HOME": "home", "DATA_DIR": "data"}.items():
        monkeypatch.setenv(f"RAG_{name}", str(tmp_path / value))
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("RAG_EMBEDDER", "hashing")
    monkeypatch.setenv("RAG_GENERATOR", "scripted")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest"]).exit_code == 0
    result = runner.invoke(app, ["ask", "Waar wil Poetin kernwapens plaatsen?"])
    assert result.exit_code == 0, result.output
    sources = result.output.split("Sources", 1)[1]
    assert "[1] Kernwapens in Belarus (nieuws_0312.md)" in sources
    assert "nieuws_0312:0000" not in sources  # no chunk id
