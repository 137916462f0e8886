"""The conversation store: round trip of whole Answers, titles, rename, delete, damaged files,
hostile ids, atomic writes."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rag.errors import ConversationError
from tests.ui.fakes import CITATION, make_answer
from ui.conversations import Conversation, ConversationStore, title_from

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PAGED = CITATION.model_copy(update={"pages": (4, 5), "section": "Methoden"})


def conversation(*questions: str, start: datetime = T0) -> Conversation:
    conv = Conversation.start(start)
    for i, question in enumerate(questions):
        conv = conv.with_answer(make_answer(question, citations=(PAGED,)), start + timedelta(minutes=i))
    return conv


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "conversations")


def test_an_answer_with_citations_survives_a_round_trip(store: ConversationStore) -> None:
    saved = conversation("Waarom Belarus?", "En wanneer?")
    store.save(saved)
    loaded = store.load(saved.id)
    assert loaded == saved  # every field of every Answer, hits and timings included
    citation = loaded.exchanges[0].answer.citations[0]
    assert (citation.pages, citation.section, citation.location) == ((4, 5), "Methoden", "p. 4–5 · Methoden")
    assert loaded.exchanges[1].answer.hits[0].chunk.text == saved.exchanges[1].answer.hits[0].chunk.text
    assert [p.name for p in store.root.iterdir()] == [f"{saved.id}.json"]  # no temp file left behind


def test_the_first_question_names_the_conversation_until_renamed(store: ConversationStore) -> None:
    long = "Waarom wil Rusland tactische kernwapens in Belarus plaatsen en wat betekent dat voor de NAVO?"
    conv = conversation(long, "En wanneer?")
    assert conv.title == title_from(long) and conv.title.endswith("…") and len(conv.title) <= 61
    assert conv.title.startswith("Waarom wil Rusland tactische kernwapens")
    store.save(conv)
    renamed = store.rename(conv.id, "  Kernwapens\n in Belarus ")
    assert renamed.title == "Kernwapens in Belarus" and store.load(conv.id).title == "Kernwapens in Belarus"
    later = renamed.with_answer(make_answer("Nog een vraag?"))
    assert later.title == "Kernwapens in Belarus" and len(later.exchanges) == 3


@pytest.mark.parametrize("title", ["", "   \n ", "x" * 121])
def test_a_title_must_be_given_and_not_too_long(store: ConversationStore, title: str) -> None:
    conv = conversation("Waarom?")
    store.save(conv)
    with pytest.raises(ConversationError, match="title"):
        store.rename(conv.id, title)
    assert store.load(conv.id).title == "Waarom?"


def test_list_is_newest_first_and_delete_removes(store: ConversationStore) -> None:
    old, new = conversation("Oud?", start=T0), conversation("Nieuw?", start=T0 + timedelta(days=1))
    assert store.list() == []  # no folder yet: nothing, no error
    store.save(new)
    store.save(old)
    assert [(s.title, s.questions) for s in store.list()] == [("Nieuw?", 1), ("Oud?", 1)]
    store.rename(old.id, "Bijgewerkt")  # renaming updates it: it moves to the top
    assert [s.title for s in store.list()] == ["Bijgewerkt", "Nieuw?"]
    store.delete(new.id)
    assert [s.id for s in store.list()] == [old.id]
    store.delete(new.id)  # gone already: nothing to do, no error
    with pytest.raises(ConversationError, match="no longer saved"):
        store.load(new.id)


def test_a_file_changed_by_another_store_is_read_again(store: ConversationStore) -> None:
    conv = conversation("Waarom?")
    store.save(conv)
    assert [s.title for s in store.list()] == ["Waarom?"]
    ConversationStore(store.root).rename(conv.id, "Elders hernoemd")  # e.g. another server process
    assert [s.title for s in store.list()] == ["Elders hernoemd"]


def test_damaged_files_are_skipped_with_a_warning(
    store: ConversationStore, caplog: pytest.LogCaptureFixture
) -> None:
    good = conversation("Waarom?")
    store.save(good)
    (store.root / "20260101-000000-aaaaaa.json").write_text('{"id": "20260101-000000-aa', "utf-8")
    (store.root / "20260101-000000-bbbbbb.json").write_text(json.dumps({"id": "x", "turns": 3}), "utf-8")
    (store.root / "20260101-000000-cccccc.json").write_bytes(b"\xff\xfe\x00garbage")
    (store.root / "notes.txt").write_text("not a conversation", "utf-8")
    with caplog.at_level(logging.WARNING):
        assert [s.id for s in store.list()] == [good.id]
    assert sum("skipping conversation file" in r.message for r in caplog.records) == 3
    with pytest.raises(ConversationError, match=r"damaged.*delete it"):
        store.load("20260101-000000-bbbbbb")


@pytest.mark.parametrize(
    "hostile", ["../outside", "..", "a/b", "/etc/passwd", "", "x" * 65, "a\x00b", ".hidden", "a b", "C:\\x"]
)
def test_hostile_ids_never_reach_a_file(store: ConversationStore, tmp_path: Path, hostile: str) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text(conversation("Waarom?").model_dump_json(), "utf-8")
    for action in (store.load, store.delete, lambda i: store.rename(i, "t")):
        with pytest.raises(ConversationError, match="not a conversation id"):
            action(hostile)
    with pytest.raises(ConversationError, match="not a conversation id"):
        store.save(conversation("Waarom?").model_copy(update={"id": hostile}))
    assert outside.exists() and not store.root.exists()


def test_a_failed_write_keeps_the_previous_file(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    conv = conversation("Waarom?")
    store.save(conv)

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ConversationError, match=r"No space left.*RAG_DATA_DIR"):
        store.save(conv.with_answer(make_answer("En wanneer?")))
    assert len(store.load(conv.id).exchanges) == 1
    assert [p.name for p in store.root.iterdir()] == [f"{conv.id}.json"]
