"""Generation that runs ahead of its reader.

Each sentence is checked (an embedding) as soon as the model closes it, and while the reader
checks, a plain loop over the model's stream leaves the model waiting: on one thread each, the
checks cost a third of the generation speed (BENCHMARKS.md, "Time to first words"). Reading the
stream in its own thread lets the model write the next sentence meanwhile. That only pays when
both fit on the machine's cores at once: llama.cpp with all cores busy slows down 10-80x when
anything else takes one, so the caller decides (`fits_beside`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator

# Pieces buffered ahead of the reader; the model never runs further than this ahead.
MAX_AHEAD = 256


class _End:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def fits_beside(llm_threads: int, embed_threads: int, cores: int | None = None) -> bool:
    """Whether the model and the checks can run at once without sharing a core."""
    return llm_threads + embed_threads <= (cores if cores is not None else os.cpu_count() or 1)


def read_ahead(pieces: Iterator[str]) -> Iterator[str]:
    """The pieces of `pieces`, produced in a background thread. An error in the producer is
    raised here; when the reader stops early, the producer stops at its next piece and closes
    the model's stream (so the model is free again before this generator is done)."""
    buffer: queue.Queue[str | _End | _Failed] = queue.Queue(maxsize=MAX_AHEAD)
    stop = threading.Event()

    def produce() -> None:
        try:
            for piece in pieces:
                if stop.is_set():
                    break
                buffer.put(piece)
        except BaseException as error:  # handed to the reader, who raises it
            buffer.put(_Failed(error))
        finally:
            close = getattr(pieces, "close", None)
            if callable(close):
                close()
            buffer.put(_End())

    worker = threading.Thread(target=produce, name="rag-generation", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if isinstance(item, _End):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # drain so a producer blocked on a full buffer can finish
            try:
                buffer.get(timeout=0.05)
            except queue.Empty:
                continue
        worker.join()
