"""The model's stream read in a background thread: same pieces in the same order, errors
raised to the reader, the model's stream closed when the reader stops early, and the model
writing on while the reader is busy."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from rag.answering.ahead import fits_beside, read_ahead


def test_pieces_arrive_complete_and_in_order() -> None:
    pieces = [f"piece {i} " for i in range(1000)]
    assert list(read_ahead(iter(pieces))) == pieces


def test_an_error_in_the_model_reaches_the_reader_after_the_pieces_before_it() -> None:
    def failing() -> Iterator[str]:
        yield "a"
        yield "b"
        raise RuntimeError("backend down")

    seen: list[str] = []
    with pytest.raises(RuntimeError, match="backend down"):
        for piece in read_ahead(failing()):
            seen.append(piece)
    assert seen == ["a", "b"]


def test_a_reader_that_stops_early_closes_the_models_stream() -> None:
    closed = threading.Event()

    def endless() -> Iterator[str]:
        try:
            while True:
                yield "x"
        finally:
            closed.set()

    reader = read_ahead(endless())
    assert next(reader) == "x"
    reader.close()  # what a cancelled answer does
    assert closed.is_set()


def test_the_model_writes_on_while_the_reader_is_busy() -> None:
    produced: list[int] = []
    five_more = threading.Event()

    def model() -> Iterator[str]:
        for i in range(10):
            produced.append(i)
            if len(produced) == 6:
                five_more.set()
            yield str(i)

    reader = read_ahead(model())
    assert next(reader) == "0"
    # The reader is "checking" now and asks for nothing; the model still produces.
    assert five_more.wait(timeout=30)
    assert list(reader) == [str(i) for i in range(1, 10)]


def test_it_runs_ahead_only_when_model_and_checks_fit_on_the_cores() -> None:
    assert fits_beside(1, 1, cores=2)
    assert not fits_beside(2, 2, cores=2)
    assert fits_beside(2, 2, cores=4)
