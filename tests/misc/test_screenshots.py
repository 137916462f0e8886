"""The browser tests' screenshots: into test-artifacts/ always, into docs/ only when asked
(RAG_UPDATE_SCREENSHOTS=1), so running the tests leaves the working tree as it was."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.screenshots import ROOT, Screenshots


class FakePage:
    def __init__(self, picture: bytes) -> None:
        self.picture = picture

    def screenshot(self, *, path: str) -> None:
        Path(path).write_bytes(self.picture)


def test_by_default_a_docs_picture_goes_to_the_artifacts_only(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "documents-tab.png").write_bytes(b"committed")
    shots = Screenshots(artifacts=tmp_path / "artifacts", docs=docs)
    path = shots.take(FakePage(b"new"), "documents-tab", docs="documents-tab.png")
    assert path == tmp_path / "artifacts" / "documents-tab.png" and path.read_bytes() == b"new"
    assert (docs / "documents-tab.png").read_bytes() == b"committed"


def test_when_asked_the_docs_picture_is_replaced(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "documents-tab.png").write_bytes(b"committed")
    shots = Screenshots(artifacts=tmp_path / "artifacts", docs=docs, update_docs=True)
    shots.take(FakePage(b"new"), "documents-tab", docs="documents-tab.png")
    shots.take(FakePage(b"other"), "chat-answer")  # not a docs picture: artifacts only
    assert (docs / "documents-tab.png").read_bytes() == b"new"
    assert sorted(p.name for p in docs.iterdir()) == ["documents-tab.png"]


def test_only_the_value_1_asks_for_it() -> None:
    assert Screenshots.from_env({"RAG_UPDATE_SCREENSHOTS": "1"}).update_docs
    assert not Screenshots.from_env({"RAG_UPDATE_SCREENSHOTS": "0"}).update_docs
    assert not Screenshots.from_env({}).update_docs
    defaults = Screenshots.from_env({})
    assert (defaults.artifacts, defaults.docs) == (ROOT / "test-artifacts", ROOT / "docs")
    assert (ROOT / "docs" / "documents-tab.png").is_file()  # the README's picture it would replace
