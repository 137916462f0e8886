"""Hand-made documents and chunks plus a brute-force numpy vector index, for fast retrieval tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from rag.config import Settings
from rag.embedders.hashing import HashingEmbedder
from rag.retrieval import Retriever
from rag.types import Chunk, Document


class NumpyIndex:
    """Exact inner-product search, the simplest VectorIndex."""

    def __init__(self, dim: int) -> None:
        self._dim = dim
        self._vectors = np.zeros((0, dim), dtype=np.float32)

    @property
    def dim(self) -> int:
        return self._dim

    def __len__(self) -> int:
        return len(self._vectors)

    def add(self, vectors: npt.NDArray[np.float32]) -> None:
        self._vectors = np.vstack([self._vectors, vectors.astype(np.float32)])

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        scores = self._vectors @ query
        order = np.argsort(-scores, kind="stable")[:k]
        return scores[order].astype(np.float32), order.astype(np.int64)

    def save(self, path: Path) -> None:
        np.save(path, self._vectors)


TEXTS = {
    "a": (
        "NAVO-top",
        "2016-07",
        "nl",
        [
            "Het westerse bondgenootschap besloot tijdens de top in Warschau (2016) in de Baltische staten "
            "en Polen acte de présence te geven, met in elk land 1000 militairen.",
            "De VJTF werd opgericht als onderdeel van het Readiness Action Plan na de inval op de Krim.",
        ],
    ),
    "b": (
        "Kernwapens in Belarus",
        "2023-03",
        "nl",
        [
            "President Poetin wil tactische kernwapens in Wit-Rusland plaatsen, zei hij zaterdag.",
            "Rusland heeft naar schatting circa 2.000 substrategische kernwapens.",
        ],
    ),
    "c": (
        "Poetin dreigt",
        "2024-06",
        "nl",
        [
            "Op 20 juni 2024 waarschuwde Poetin voor aanpassingen in de nucleaire doctrine van Rusland.",
            "Zuid-Korea overweegt zijn beleid te herzien en wapens aan Oekraïne te leveren.",
        ],
    ),
    "d": (
        "Deterrence brief",
        None,
        "en",
        [
            "NATO's nuclear deterrence is again an operationally relevant instrument for the alliance.",
        ],
    ),
}


def make_corpus() -> tuple[list[Document], list[Chunk]]:
    documents, chunks = [], []
    for doc_id, (title, date, language, passages) in TEXTS.items():
        text = "\n\n".join(passages)
        documents.append(
            Document(
                id=doc_id,
                path=f"{doc_id}.txt",
                title=title,
                date=date,
                language=language,
                content_hash=doc_id * 8,
                text=text,
            )
        )
        start = 0
        for ordinal, passage in enumerate(passages):
            chunks.append(
                Chunk(
                    id=f"{doc_id}:{ordinal:04d}",
                    doc_id=doc_id,
                    doc_title=title,
                    doc_date=date,
                    ordinal=ordinal,
                    start=start,
                    end=start + len(passage),
                    text=passage,
                    n_tokens=len(passage.split()),
                    language=language,
                )
            )
            start += len(passage) + 2
    return documents, chunks


def make_retriever(documents: list[Document], chunks: list[Chunk], **settings: object) -> Retriever:
    embedder = HashingEmbedder(dim=256)
    index = NumpyIndex(embedder.dim)
    index.add(embedder.embed_documents([c.text for c in chunks]))
    config = Settings(embedder="hashing", embed_threads=1, llm_threads=1, **settings)  # type: ignore[arg-type]
    return Retriever(documents, chunks, index, embedder, config)


@pytest.fixture
def corpus() -> tuple[list[Document], list[Chunk]]:
    return make_corpus()


@pytest.fixture
def retriever(corpus: tuple[list[Document], list[Chunk]]) -> Retriever:
    return make_retriever(*corpus)
