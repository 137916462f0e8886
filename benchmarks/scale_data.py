"""A synthetic corpus of N chunks for benchmarks/scale.py, grown from the real seed index.

Vectors: topic centres are mixes of three real chunk vectors (EmbeddingGemma, 768 dims) plus
noise; each chunk is a centre plus noise at one of three scales (near-duplicates, same topic,
loosely related), re-normalised. So the corpus has the anisotropy of the real vectors, clusters
of near-duplicates and spread between them. Queries are drawn the same way but are not in it.
Texts: two sentences of the chunk's own seed chunk and three from anywhere in the seeds, so the
BM25 vocabulary, document lengths and languages are those of the seed corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from rag.index.persist import current_generation
from rag.types import Chunk, Document

CHUNKS_PER_TOPIC = 4
CHUNKS_PER_DOCUMENT = 50
CENTRE_NOISE = 0.5  # norm of the noise added to a centre (its vectors have norm 1)
POINT_NOISE = (0.2, 0.5, 0.9)  # near-duplicates, same topic, loosely related
POINT_SHARES = (0.3, 0.4, 0.3)
QUERY_NOISE = 0.8
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Seeds:
    vectors: np.ndarray  # (n_seeds, dim), unit length
    texts: list[str]
    languages: list[str]

    @property
    def sentences(self) -> list[list[str]]:
        return [[s for s in _SENTENCE.split(t) if len(s.split()) >= 3] or [t] for t in self.texts]


def load_seeds(index_dir: Path) -> Seeds:
    folder = current_generation(index_dir, ("vectors.faiss", "chunks.jsonl"))
    raw = faiss.read_index(str(folder / "vectors.faiss"))
    vectors = np.asarray(raw.reconstruct_n(0, raw.ntotal), dtype=np.float32)
    lines = (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines()
    chunks = [json.loads(line) for line in lines if line.strip()]
    return Seeds(vectors, [c["text"] for c in chunks], [c.get("language", "nl") for c in chunks])


def _noise(rng: np.random.Generator, n: int, dim: int, scale: np.ndarray | float) -> np.ndarray:
    """Gaussian rows of expected norm `scale`."""
    noise = rng.standard_normal((n, dim), dtype=np.float32) / np.float32(np.sqrt(dim))
    return noise * np.asarray(scale, dtype=np.float32).reshape(-1, 1)


def _normalised(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


@dataclass
class Topics:
    centres: np.ndarray  # (n_topics, dim)
    seed_of: np.ndarray  # the seed chunk each topic is mostly made of


def make_topics(seeds: Seeds, n_chunks: int, rng: np.random.Generator) -> Topics:
    """Centres anywhere between three real vectors (Dirichlet weights), plus noise: a continuum
    over the seeds' region of the space rather than 162 islands."""
    n_topics = max(1, n_chunks // CHUNKS_PER_TOPIC)
    parents = rng.integers(0, len(seeds.vectors), (n_topics, 3))
    weights = rng.dirichlet((0.5, 0.5, 0.5), n_topics).astype(np.float32)
    blend = np.einsum("tp,tpd->td", weights, seeds.vectors[parents])
    centres = _normalised(blend + _noise(rng, n_topics, blend.shape[1], CENTRE_NOISE))
    main = parents[np.arange(n_topics), weights.argmax(axis=1)]
    return Topics(centres, main)


def chunk_vectors(topics: Topics, n: int, rng: np.random.Generator, batch: int = 50_000) -> np.ndarray:
    """(n, dim) unit vectors; chunk i belongs to topic i % n_topics (see `topic_of`)."""
    dim = topics.centres.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, batch):
        stop = min(n, start + batch)
        topic = topic_of(np.arange(start, stop), len(topics.centres))
        scale = rng.choice(np.asarray(POINT_NOISE), stop - start, p=POINT_SHARES)
        out[start:stop] = _normalised(topics.centres[topic] + _noise(rng, stop - start, dim, scale))
    return out


def topic_of(positions: np.ndarray, n_topics: int) -> np.ndarray:
    return positions % n_topics


def query_vectors(topics: Topics, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Fresh points (not in the corpus) around random topics; returns (vectors, topic ids)."""
    topic = rng.integers(0, len(topics.centres), n)
    dim = topics.centres.shape[1]
    return _normalised(topics.centres[topic] + _noise(rng, n, dim, QUERY_NOISE)), topic


def chunk_text(seeds: Seeds, sentences: list[list[str]], seed: int, rng: np.random.Generator) -> str:
    own = sentences[seed]
    picked = [own[int(i)] for i in rng.integers(0, len(own), 2)]
    others = rng.integers(0, len(sentences), 3)
    picked += [sentences[int(o)][int(rng.integers(0, len(sentences[int(o)])))] for o in others]
    return " ".join(picked)


def make_chunks(seeds: Seeds, topics: Topics, n: int, rng: np.random.Generator) -> list[Chunk]:
    """Real Chunk objects (as the app holds them), CHUNKS_PER_DOCUMENT to a document."""
    sentences = seeds.sentences
    seed_of = topics.seed_of[topic_of(np.arange(n), len(topics.centres))]
    chunks = []
    for position, seed in enumerate(seed_of.tolist()):
        doc, ordinal = divmod(position, CHUNKS_PER_DOCUMENT)
        text = chunk_text(seeds, sentences, seed, rng)
        chunks.append(
            Chunk.model_construct(
                id=f"d{doc:06d}:{ordinal:04d}",
                doc_id=f"d{doc:06d}",
                doc_title=f"Document {doc}",
                doc_date=None,
                ordinal=ordinal,
                kind="text",
                start=ordinal * 4000,
                end=ordinal * 4000 + len(text),
                text=text,
                n_tokens=len(text.split()),
                language=seeds.languages[seed],
                pages=(),
                page_runs=(),
                headings=(),
            )
        )
    return chunks


def make_documents(n_chunks: int) -> list[Document]:
    count = -(-n_chunks // CHUNKS_PER_DOCUMENT)
    return [
        Document.model_construct(
            id=f"d{doc:06d}",
            path=f"d{doc:06d}.txt",
            title=f"Document {doc}",
            date=None,
            language="nl",
            content_hash="0" * 64,
            text="",
            segments=(),
            regions=(),
            pages=(),
            headings=(),
        )
        for doc in range(count)
    ]


def query_text(seeds: Seeds, seed: int, rng: np.random.Generator, words: int = 7) -> str:
    """A question-like string: a run of words from one sentence of the query's seed chunk."""
    own = seeds.sentences[seed]
    tokens = own[int(rng.integers(0, len(own)))].split()
    start = int(rng.integers(0, max(1, len(tokens) - words)))
    return " ".join(tokens[start : start + words]).strip(" .,;:") + "?"


@dataclass
class Corpus:
    seeds: Seeds
    topics: Topics
    vectors: np.ndarray
    queries: np.ndarray
    query_texts: list[str]
    rng: np.random.Generator

    def chunks(self) -> list[Chunk]:
        return make_chunks(self.seeds, self.topics, len(self.vectors), self.rng)


def build_corpus(seeds: Seeds, n: int, n_queries: int, log: Callable[[str], None], seed: int = 0) -> Corpus:
    """Deterministic for (seeds, n, n_queries, seed): a resumed run measures the same corpus."""
    rng = np.random.default_rng(seed)
    topics = make_topics(seeds, n, rng)
    vectors = chunk_vectors(topics, n, rng)
    queries, topic = query_vectors(topics, n_queries, rng)
    texts = [query_text(seeds, int(topics.seed_of[t]), rng) for t in topic]
    log(f"corpus: {n} vectors of {vectors.shape[1]} dims, {n_queries} queries")
    return Corpus(seeds, topics, vectors, queries, texts, rng)
