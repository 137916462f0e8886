"""Bad corpus folders through `rag ingest` (and `rag ask` / answer() on what was indexed): an empty or
missing folder is one line naming the fix, exit code 1, and every index file left as it was; a
zero-byte, binary, too large or linked-from-outside file is skipped with one line naming it and the
fix; Latin-1 and UTF-16 text is read as the text it is; names with spaces and unicode are indexed
and cited under their own names."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from rag.answering.pipeline import Assistant
from rag.cli import app
from rag.config import Settings
from rag.index.store import load_index

GOOD = "Rusland plaatst tactische kernwapens in Belarus. Poetin noemt het een antwoord op de NAVO.\n"
DIJKEN = "De dijken in Friesland zijn hoog genoeg, zegt het waterschap na de storm van november."


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    env = {"RAG_DATA_DIR": str(tmp_path / "data"), "RAG_HOME": str(tmp_path / "home"),
           "RAG_EMBEDDER": "hashing", "RAG_GENERATOR": "extractive"}  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(embed_threads=1, llm_threads=1)


def folder(tmp_path: Path, files: dict[str, bytes], name: str = "corpus") -> Path:
    corpus = tmp_path / name
    corpus.mkdir()
    for rel, data in files.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_bytes(data)
    return corpus


def ingest(corpus: Path, *extra: str) -> Result:
    return CliRunner().invoke(app, ["ingest", "--corpus", str(corpus), *extra])


def words(result: Result) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def snapshot(data: Path) -> dict[str, bytes]:
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


def indexed(settings: Settings) -> dict[str, str]:
    """Path -> text of every document in the saved index."""
    return {d.path: d.text for d in load_index(settings, None).documents}


ABSENT = {
    "empty_folder": "has no usable documents (no documents found): add documents (.txt,",
    "missing_folder": "does not exist: create it and put your documents in it, or point RAG_CORPUS_DIR",
}


@pytest.mark.parametrize("case", ABSENT)
def test_rag_ingest_of_an_empty_or_missing_folder_is_one_line_and_keeps_the_index(
    settings: Settings, tmp_path: Path, case: str
) -> None:
    message = ABSENT[case]
    assert ingest(folder(tmp_path, {"belarus.txt": GOOD.encode()})).exit_code == 0
    before = snapshot(settings.data_dir)
    bad = tmp_path / case
    if case == "empty_folder":
        bad.mkdir()
    result = ingest(bad)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert words(result).startswith(f"error: corpus folder {bad} ") and message in words(result)
    assert len(lines) <= 2 and "Traceback" not in result.output  # one line, wrapped at most once
    assert snapshot(settings.data_dir) == before  # no index file touched
    asked = CliRunner().invoke(app, ["ask", "Waarom plaatst Rusland kernwapens in Belarus?"])
    assert asked.exit_code == 0 and "Sources" in asked.output, asked.output  # the old index answers


SKIPPED = {
    "zero_byte_file": ("leeg.txt", b"", "leeg.txt is empty (0 bytes): add text to it or remove it"),
    "binary_file": ("blob.txt", bytes(range(256)) * 8, "blob.txt is a binary file, not text: remove it"),
    "huge_file": (
        "groot.txt",
        b"woord " * 400_000,
        "groot.txt is too large (2 MB, the limit is 1 MB): split",
    ),
    "link_outside_the_folder": ("link.txt", None, "link.txt is a link to "),
}


@pytest.mark.parametrize("case", SKIPPED)
def test_rag_ingest_skips_a_bad_file_with_one_line_naming_the_fix(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setattr("rag.corpus.load.MAX_FILE_MB", 1)
    name, data, reason = SKIPPED[case]
    corpus = folder(tmp_path, {"belarus.txt": GOOD.encode()})
    secret = tmp_path / "secret.txt"
    secret.write_text("Het wachtwoord van de beheerder is hunter2.", encoding="utf-8")
    if data is None:
        (corpus / name).symlink_to(secret)
    else:
        (corpus / name).write_bytes(data)
    result = ingest(corpus)
    assert result.exit_code == 0, result.output
    assert words(result).count(f"warning: skipped {reason}") == 1, result.output
    assert list(indexed(settings)) == ["belarus.txt"]
    assert "hunter2" not in str(snapshot(settings.data_dir))  # the secret is in no index file
    before = snapshot(settings.data_dir)
    strict = ingest(corpus, "--strict", "--rebuild")
    assert strict.exit_code == 1 and reason in words(strict), strict.output
    assert snapshot(settings.data_dir) == before  # a failed strict pass saves nothing


ENCODED = {
    "latin1": ("Café in Zeeland: de stormvloedkering sluit bij storm, zegt Zoë.".encode("latin-1"), "Café"),
    "utf16_le_without_bom": (DIJKEN.encode("utf-16-le"), "Friesland"),
    "utf16_be_without_bom": (DIJKEN.encode("utf-16-be"), "Friesland"),
    "utf16_with_bom": (("Oekraïne " + DIJKEN).encode("utf-16"), "Oekraïne"),
}


@pytest.mark.parametrize("case", ENCODED)
def test_rag_ingest_reads_non_utf8_text_as_the_text_it_is(
    settings: Settings, tmp_path: Path, case: str
) -> None:
    data, word = ENCODED[case]
    corpus = folder(tmp_path, {"belarus.txt": GOOD.encode(), "tekst.txt": data})
    result = ingest(corpus)
    assert result.exit_code == 0 and "skipped" not in result.output, result.output
    text = indexed(settings)["tekst.txt"]
    assert "\x00" not in text and "\ufffd" not in text and word in text
    asked = CliRunner().invoke(app, ["search", word])
    assert asked.exit_code == 0 and "tekst" in asked.output, asked.output


NAMES = {
    "spaces": "mijn verslag over de dijken.txt",
    "unicode": "Oekraïne 日本 – één.md",
    "decomposed_unicode": unicodedata.normalize("NFD", "école café.txt"),
    "folder_with_spaces": "oude stukken/verslag 2023 (kopie).txt",
}


@pytest.mark.parametrize("case", NAMES)
def test_names_with_spaces_and_unicode_are_indexed_and_cited_by_their_name(
    settings: Settings, tmp_path: Path, case: str
) -> None:
    name = NAMES[case]
    corpus = folder(tmp_path, {"belarus.txt": GOOD.encode(), name: DIJKEN.encode()})
    result = ingest(corpus)
    assert result.exit_code == 0 and "skipped" not in result.output, result.output
    assert sorted(indexed(settings)) == sorted(["belarus.txt", name])
    assistant = Assistant.from_settings(settings)
    answer = assistant.answer("Zijn de dijken in Friesland hoog genoeg volgens het waterschap?")
    assert not answer.refused and answer.citations, answer
    cited = assistant.document(answer.citations[0].doc_id)
    assert cited.path == name and cited.text[answer.citations[0].start : answer.citations[0].end] in DIJKEN
    shown = CliRunner().invoke(app, ["inspect", answer.citations[0].chunk_id])  # where a citation leads
    assert shown.exit_code == 0, shown.output
    assert "".join(name.split()) in "".join(shown.output.split())  # the name, however rich wrapped it
