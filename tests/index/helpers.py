"""Hand-made documents and chunks (one chunk per paragraph) and an embedder that counts its work."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from rag.config import Settings
from rag.embedders import HashingEmbedder, Vectors
from rag.types import Chunk, Document

TEXTS = {
    "belarus": "Poetin wil tactische kernwapens in Belarus plaatsen.\n\nDe NAVO reageert kalm.",
    "taart": "Appeltaart bakken met kaneel.\n\nLaat de taart een uur afkoelen.",
    "oekraine": "Oekraïne vraagt om meer luchtafweer.\n\nDe oorlog duurt voort.",
}


def make_document(doc_id: str, text: str) -> Document:
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        title=doc_id.title(),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
    )


def make_chunks(doc: Document) -> list[Chunk]:
    chunks, start = [], 0
    for ordinal, paragraph in enumerate(doc.text.split("\n\n")):
        start = doc.text.index(paragraph, start)
        chunks.append(
            Chunk(
                id=f"{doc.id}:{ordinal:04d}",
                doc_id=doc.id,
                doc_title=doc.title,
                ordinal=ordinal,
                start=start,
                end=start + len(paragraph),
                text=paragraph,
                n_tokens=len(paragraph.split()),
            )
        )
        start += len(paragraph)
    return chunks


def make_corpus(texts: dict[str, str] | None = None) -> tuple[list[Document], list[Chunk]]:
    documents = [make_document(doc_id, text) for doc_id, text in (texts or TEXTS).items()]
    return documents, [chunk for doc in documents for chunk in make_chunks(doc)]


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "home": tmp_path / "home",
        "data_dir": tmp_path / "data",
        "embedder": "hashing",
        "embed_threads": 1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


class CountingEmbedder(HashingEmbedder):
    """A HashingEmbedder that records every text it was asked to embed."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.embedded: list[str] = []

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        self.embedded.extend(texts)
        return super().embed_documents(texts, progress=progress)
