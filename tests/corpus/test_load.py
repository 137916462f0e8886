"""Loading a corpus folder: metadata from the seeds, unusable files, errors that name the fix."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from rag.corpus import load_corpus
from rag.corpus.load import document_ids
from rag.errors import CorpusError
from tests.corpus.helpers import SEEDS, seed, seeds_load


@pytest.mark.parametrize(
    ("prefix", "date"),
    [
        ("000", None),  # "27 februari 2022" is an event in the second sentence, not a dateline
        ("001", None),
        ("002", "2023-03"),  # the " date 2023-03" marker
        ("003", "2024-06-20"),  # "Moskou – Op 20 juni 2024 waarschuwde ..."
        ("004", "2022-10-14"),  # marker 2022-10, made precise by "vrijdag 14 oktober 2022"
    ],
)
def test_seed_dates(prefix: str, date: str | None) -> None:
    assert seed(prefix).date == date


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("000", "De toename van de Russische dreiging"),
        ("001", "Rusland, de NAVO en het veiligheidsdilemma"),  # mixed-case twin of the caps header
        ("003", "Poetin dreigt met nucleaire inzet om westerse steun aan Oekraïne te breken"),
        (
            "004",
            "Voor de NAVO zou overwegen kernwapens in te zetten moet er ontzettend veel gebeuren, "
            "zegt NAVO-chef Jens Stoltenberg.",
        ),
    ],
)
def test_seed_titles(prefix: str, title: str) -> None:
    assert seed(prefix).title == title


def test_long_first_paragraph_gives_a_trimmed_title() -> None:
    title = seed("002").title
    assert title.startswith("De nieuwe ronde Russische nucleaire retoriek")  # the photo caption is skipped
    assert len(title) <= 121 and title.endswith("…")


def test_seed_metadata() -> None:
    load = seeds_load()
    assert [d.path for d in load.documents] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert [d.id for d in load.documents] == [Path(d.path).stem for d in load.documents]
    assert load.skipped == ()
    for doc in load.documents:
        assert doc.language == "nl"
        assert doc.content_hash == hashlib.sha256((SEEDS / doc.path).read_bytes()).hexdigest()


def test_loading_is_deterministic() -> None:
    assert load_corpus(SEEDS) == load_corpus(SEEDS)


def test_recursive_markdown_and_skips(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.md").write_text(
        "# Mijn notities\n\nDe NAVO is een bondgenootschap.\n", "utf-8"
    )
    (tmp_path / "a.txt").write_text("Een gewone tekst over de NAVO.\n", "utf-8")
    (tmp_path / "empty.txt").write_text("  \n\n", "utf-8")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF")
    (tmp_path / ".rag").mkdir()
    (tmp_path / ".rag" / "hidden.txt").write_text("index files", "utf-8")
    load = load_corpus(tmp_path)
    assert [d.path for d in load.documents] == ["a.txt", "sub/notes.md"]
    assert [d.id for d in load.documents] == ["a", "sub/notes"]
    assert load.documents[1].title == "Mijn notities"
    reasons = {s.path: s.reason for s in load.skipped}
    assert set(reasons) == {".rag", "broken.pdf", "empty.txt"}
    assert reasons[".rag"].startswith(".rag is a hidden folder")
    assert reasons["broken.pdf"].startswith("broken.pdf is not a readable PDF")
    assert "empty.txt is empty" in reasons["empty.txt"]


def test_strict_mode_raises_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Goed.", "utf-8")
    (tmp_path / "bad.txt").write_bytes(bytes(range(256)))  # not text in any encoding
    with pytest.raises(CorpusError, match=r"bad\.txt is a binary file"):
        load_corpus(tmp_path, strict=True)
    assert [d.path for d in load_corpus(tmp_path).documents] == ["good.txt"]


def test_strict_mode_raises_for_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("", "utf-8")
    with pytest.raises(CorpusError, match=r"empty\.md is empty"):
        load_corpus(tmp_path, strict=True)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist: create it"):
        load_corpus(tmp_path / "nope")


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"no usable documents \(no documents found\)"):
        load_corpus(tmp_path)


def test_folder_with_only_unusable_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", "utf-8")
    with pytest.raises(CorpusError, match=r"no usable documents \(empty\.txt is empty \(0 bytes\)"):
        load_corpus(tmp_path)


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "good.txt").write_text("Goed.", "utf-8")
    (tmp_path / "locked.txt").write_text("Geheim.", "utf-8")
    (tmp_path / "dir.txt").mkdir()  # a folder named like a file is not a document
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    load = load_corpus(tmp_path)
    assert [d.path for d in load.documents] == ["good.txt"]
    assert [(s.path, s.reason) for s in load.skipped] == [
        ("locked.txt", "locked.txt cannot be read (Permission denied): check its permissions")
    ]


def test_ids_are_unique_and_stable() -> None:
    ids = document_ids(["a.txt", "a.md", "sub/a.txt", "b c.txt"])
    assert ids == {"a.txt": "a.txt", "a.md": "a.md", "sub/a.txt": "sub/a", "b c.txt": "b_c"}


def test_a_file_link_out_of_the_corpus_is_not_followed(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("Het wachtwoord van de kluis is 1234.", "utf-8")
    (outside / "dir").mkdir()
    (outside / "dir" / "x.txt").write_text("Buiten de map.", "utf-8")
    (corpus / "a.txt").write_text("Een tekst over de NAVO.", "utf-8")
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "alias.txt").symlink_to(corpus / "a.txt")  # a link inside the folder is fine
    (corpus / "linked").symlink_to(outside / "dir", target_is_directory=True)
    load = load_corpus(corpus)
    assert [d.path for d in load.documents] == ["a.txt", "alias.txt"]
    assert all("wachtwoord" not in d.text and "Buiten" not in d.text for d in load.documents)
    reasons = {s.path: s.reason for s in load.skipped}
    assert set(reasons) == {"linked", "secret.txt"}
    assert reasons["secret.txt"].startswith("secret.txt is a link to ")
    assert "outside the corpus folder: not followed" in reasons["secret.txt"]
    assert reasons["linked"].startswith("linked is a link to a folder: links are not followed")
    with pytest.raises(CorpusError, match=r"secret\.txt is a link to .*outside the corpus folder"):
        load_corpus(corpus, strict=True)


def test_hidden_files_are_left_out_with_a_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Zichtbaar.", "utf-8")
    (tmp_path / ".verborgen.txt").write_text("Verborgen.", "utf-8")
    load = load_corpus(tmp_path, strict=True)  # hidden on purpose: not a problem
    assert [d.path for d in load.documents] == ["a.txt"]
    assert [(s.path, s.problem) for s in load.skipped] == [(".verborgen.txt", False)]
    assert load.skipped[0].reason.startswith(".verborgen.txt is a hidden file (its name starts with '.')")


def test_zero_byte_and_huge_files_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rag.corpus.load.MAX_FILE_MB", 1)
    (tmp_path / "a.txt").write_text("Goed.", "utf-8")
    (tmp_path / "leeg.pdf").write_bytes(b"")
    (tmp_path / "groot.txt").write_text("woord " * 400_000, "utf-8")
    load = load_corpus(tmp_path)
    assert [d.path for d in load.documents] == ["a.txt"]
    assert [s.reason for s in load.skipped] == [
        "groot.txt is too large (2 MB, the limit is 1 MB): split it into smaller files",
        "leeg.pdf is empty (0 bytes): add text to it or remove it from the corpus folder",
    ]
    with pytest.raises(CorpusError, match=r"groot\.txt is too large"):
        load_corpus(tmp_path, strict=True)
