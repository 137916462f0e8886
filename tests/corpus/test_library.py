"""Uploads into the corpus folder (safe names, no overwriting, duplicates, limits) and removal to
the trash folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.corpus.library import MAX_NAME_BYTES, add_file, remove_file, safe_name
from rag.corpus.load import MAX_FILE_MB
from rag.errors import CorpusError


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../x.pdf", "x.pdf"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/cron.d/job.md", "job.md"),
        ("..\\..\\Windows\\win.txt", "win.txt"),
        ("C:\\Users\\me\\notes.txt", "notes.txt"),
        ("a\x00b.txt", "ab.txt"),
        (".hidden.md", "hidden.md"),
        ("...", "document"),
        ("", "document"),
        ("CON.txt", "document-CON.txt"),
        ("e\u0301cole.txt", "\u00e9cole.txt"),  # decomposed é -> composed (NFC)
        ("invoice\u202efdp.txt", "invoicefdp.txt"),  # a right-to-left override, used to fake suffixes
        ("zero\u200bwidth.md", "zerowidth.md"),
        ('a:b?"c*.pdf', "a_b__c_.pdf"),
        ("  spaced   out  .txt", "spaced out.txt"),
        ("trailing.txt. ", "trailing.txt"),
    ],
)
def test_safe_name(uploaded: str, stored: str) -> None:
    assert safe_name(uploaded) == stored


def test_a_long_name_is_shortened_but_keeps_its_suffix() -> None:
    name = safe_name("ä" * 300 + ".pdf")
    assert name.endswith(".pdf") and len(name.encode("utf-8")) <= MAX_NAME_BYTES


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "report.txt").write_text("The first report.\n", encoding="utf-8")
    return folder


def upload(tmp_path: Path, content: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / "uploads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


def names(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_a_new_file_is_added_under_its_safe_name(tmp_path: Path, corpus: Path) -> None:
    result = add_file(corpus, "../../notes.md", upload(tmp_path, b"# Notes\n\nSome text.\n"))
    assert (result.outcome, result.stored) == ("added", "notes.md")
    assert (corpus / "notes.md").read_bytes() == b"# Notes\n\nSome text.\n"
    assert not (tmp_path / "notes.md").exists()  # nothing landed outside the folder
    assert names(corpus) == ["notes.md", "report.txt"]  # no temporary file left behind


def test_identical_content_is_not_added_again(tmp_path: Path, corpus: Path) -> None:
    result = add_file(corpus, "copy of report.txt", upload(tmp_path, b"The first report.\n"))
    assert (result.outcome, result.stored) == ("duplicate", "report.txt")
    assert "already in the corpus as report.txt" in result.message
    assert names(corpus) == ["report.txt"]


def test_same_name_other_content_keeps_both(tmp_path: Path, corpus: Path) -> None:
    second = add_file(corpus, "report.txt", upload(tmp_path, b"A second report.\n"))
    third = add_file(corpus, "report.txt", upload(tmp_path, b"A third report.\n"))
    assert (second.outcome, second.stored) == ("renamed", "report (2).txt")
    assert third.stored == "report (3).txt" and "already called report.txt" in third.message
    assert (corpus / "report.txt").read_text(encoding="utf-8") == "The first report.\n"  # untouched
    assert (corpus / "report (2).txt").read_text(encoding="utf-8") == "A second report.\n"


def test_unsupported_empty_and_too_large_files_are_refused(tmp_path: Path, corpus: Path) -> None:
    exe = add_file(corpus, "setup.exe", upload(tmp_path, b"MZ..."))
    assert (
        exe.outcome == "refused" and "format .exe is not supported" in exe.message and ".pdf" in exe.message
    )
    empty = add_file(corpus, "empty.txt", upload(tmp_path, b""))
    assert empty.outcome == "refused" and "empty (0 bytes)" in empty.message
    big = upload(tmp_path, b"", "big.pdf")
    with big.open("r+b") as handle:
        handle.truncate((MAX_FILE_MB + 1) * 1024 * 1024)  # sparse: no real 51 MB written
    large = add_file(corpus, "big.pdf", big)
    assert large.outcome == "refused" and f"the limit is {MAX_FILE_MB} MB" in large.message
    assert names(corpus) == ["report.txt"]


def test_a_missing_corpus_folder_is_an_error_naming_the_fix(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="RAG_CORPUS_DIR"):
        add_file(tmp_path / "nowhere", "a.txt", upload(tmp_path, b"text"))


def test_remove_moves_the_file_to_the_trash(tmp_path: Path, corpus: Path) -> None:
    trash = tmp_path / "data" / "trash"
    message = remove_file(corpus, trash, "report.txt")
    assert not (corpus / "report.txt").exists()
    kept = list(trash.rglob("report.txt"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == "The first report.\n"
    assert str(kept[0]) in message and "restore" in message


@pytest.mark.parametrize("relative", ["../outside.txt", "/etc/passwd", "missing.txt", "."])
def test_remove_refuses_anything_but_a_corpus_file(tmp_path: Path, corpus: Path, relative: str) -> None:
    (tmp_path / "outside.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a file in the corpus folder"):
        remove_file(corpus, tmp_path / "trash", relative)
    assert (tmp_path / "outside.txt").exists() and (corpus / "report.txt").exists()


def test_a_folder_that_cannot_be_written_is_one_clear_error(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, where chmod does not stop writes: the copy fails as it would for a user.
    def denied(source: Path, target: Path) -> None:
        Path(target).write_bytes(b"partial")
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("rag.corpus.library.shutil.copyfile", denied)
    with pytest.raises(
        CorpusError, match=r"cannot write into the corpus folder .*Permission denied.*chmod u\+w"
    ):
        add_file(corpus, "new.txt", upload(tmp_path, b"new text"))
    assert names(corpus) == ["report.txt"]  # no partial file left behind
