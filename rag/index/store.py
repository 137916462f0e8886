"""CorpusIndex: documents + chunks + their vectors + the manifest, built incrementally and saved safely.

`build_index` embeds only chunks whose text it has not embedded before with the same model (the
embedding cache), `save_index` writes a new verified generation atomically (see persist.py), and
`load_index` refuses an index that is missing, damaged or built with other settings.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from rag.config import Settings
from rag.embedders.base import Embedder
from rag.errors import (
    CorpusError,
    IndexCorruptError,
    IndexEmptyError,
    IndexMismatchError,
    IndexMissingError,
)
from rag.index.base import VectorIndex
from rag.index.choice import structure
from rag.index.embedding import BuildStats, ProgressCallback, embed_chunks
from rag.index.faiss_store import FaissIndex
from rag.index.lexical import LexicalIndex
from rag.index.manifest import check_manifest, make_manifest
from rag.index.persist import current_generation, optional_file, read_json, save_files
from rag.text import TextAnalyser
from rag.types import Chunk, Document, IndexManifest

MANIFEST, DOCUMENTS, CHUNKS, VECTORS = "manifest.json", "documents.jsonl", "chunks.jsonl", "vectors.faiss"
FILES = (MANIFEST, DOCUMENTS, CHUNKS, VECTORS)
LEXICAL = "lexical.npz"  # optional: an index saved before it existed builds its BM25 at load
_REBUILD = "run 'rag ingest --rebuild'"
M = TypeVar("M", bound=BaseModel)


class CorpusIndex:
    """Everything retrieval needs about a corpus; positions in `vectors` follow `chunks`."""

    def __init__(
        self,
        manifest: IndexManifest,
        documents: Sequence[Document],
        chunks: Sequence[Chunk],
        vectors: VectorIndex,  # a FaissIndex, or ShardedVectors over a sharded index's shards
        stats: BuildStats | None = None,
        generation: str | None = None,
        lexical: LexicalIndex | None = None,
    ) -> None:
        self.manifest = manifest
        self.generation = generation  # the saved generation it was loaded from (see persist.py)
        # BM25 over `chunks`, as saved with them; None: the Retriever builds it.
        self.lexical = lexical
        self.documents = tuple(documents)
        self.chunks = tuple(chunks)
        self.vectors = vectors
        self.stats = stats
        self._documents = {doc.id: doc for doc in self.documents}
        self._chunks = {chunk.id: chunk for chunk in self.chunks}

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def get_document(self, doc_id: str) -> Document | None:
        return self._documents.get(doc_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [chunk for chunk in self.chunks if chunk.doc_id == doc_id]


def _check_chunks(documents: Sequence[Document], chunks: Sequence[Chunk]) -> None:
    doc_ids = {doc.id for doc in documents}
    if len(doc_ids) != len(documents):
        raise CorpusError("two documents share an id; give every file a distinct path")
    if len({chunk.id for chunk in chunks}) != len(chunks):
        raise CorpusError("two chunks share an id; the chunker must number chunks per document")
    orphans = sorted({chunk.doc_id for chunk in chunks} - doc_ids)
    if orphans:
        raise CorpusError(
            f"chunks point at unknown documents {orphans[:3]}; pass the documents they came from"
        )


def build_index(
    settings: Settings,
    embedder: Embedder,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    *,
    progress: bool = False,
    on_progress: ProgressCallback | None = None,
    dim: int | None = None,
) -> CorpusIndex:
    """Embed the chunks (reusing cached vectors of unchanged text) and index them in chunk order.

    `dim`: the model's dimension when known (from a saved index of the same model); asking the
    embedder loads the model, which is not needed when every vector is in the cache."""
    started = time.perf_counter()
    _check_chunks(documents, chunks)
    matrix, embedded = embed_chunks(
        settings, embedder, chunks, progress=progress, on_progress=on_progress, dim=dim
    )
    width = int(matrix.shape[1])
    store = FaissIndex(
        width,
        settings.index_type,
        threads=settings.embed_threads,
        flat_max=settings.auto_flat_max_chunks,
    )
    store.add(matrix)
    manifest = make_manifest(
        settings, embedder, documents, len(chunks), dim=width, vector_index=store.effective_type
    )
    lexical = lexical_of(chunks)
    stats = embedded.with_total(time.perf_counter() - started)
    return CorpusIndex(manifest, documents, chunks, store, stats, lexical=lexical)


def _jsonl(models: Sequence[BaseModel]) -> str:
    return "".join(model.model_dump_json() + "\n" for model in models)


def lexical_of(chunks: Sequence[Chunk], lexical: LexicalIndex | None = None) -> LexicalIndex:
    """`lexical` when given, else BM25 built over `chunks`."""
    if lexical is None:
        lexical = LexicalIndex()
        lexical.build(chunks)
    return lexical


def save_index(index: CorpusIndex, directory: Path, *, lexical: bool = True) -> Path:
    """Save atomically: a crash mid-save leaves the previous index loadable. Returns the folder.
    `lexical=False` leaves out the BM25 index (a shard: BM25 is one index over all shards)."""
    from rag.index.shards import prune_runs  # imports this module

    writers = {
        MANIFEST: lambda path: path.write_text(index.manifest.model_dump_json(indent=2), encoding="utf-8"),
        DOCUMENTS: lambda path: path.write_text(_jsonl(index.documents), encoding="utf-8"),
        CHUNKS: lambda path: path.write_text(_jsonl(index.chunks), encoding="utf-8"),
        VECTORS: index.vectors.save,
    }
    if lexical:
        writers[LEXICAL] = lexical_of(index.chunks, index.lexical).save
    folder = save_files(directory, writers)
    prune_runs(directory)  # the shards of a sharded index two saves ago
    return folder


def _read_models(path: Path, model: type[M]) -> list[M]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        return [model.model_validate_json(line) for line in lines if line.strip()]
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        raise IndexCorruptError(f"cannot read {path} ({exc}); {_REBUILD}") from exc


def parse_manifest(path: Path) -> IndexManifest:
    try:
        return IndexManifest.model_validate(read_json(path))
    except ValidationError as exc:
        raise IndexCorruptError(f"{path} is not a valid index manifest ({exc}); {_REBUILD}") from exc


def read_manifest(directory: Path) -> IndexManifest:
    """The manifest of the live index (verified), without loading vectors or chunks."""
    return parse_manifest(current_generation(directory, (MANIFEST,)) / MANIFEST)


def _empty_message(corpus_dir: Path) -> str:
    return (
        f"No documents are indexed yet (the last indexing found none in {corpus_dir}): add some in "
        "the web chat's Documents tab, or put files in the corpus folder and run 'rag ingest'"
    )


def load_index(
    settings: Settings, embedder: Embedder | None, *, directory: Path | None = None, allow_empty: bool = False
) -> CorpusIndex:
    """Load and verify the index; `embedder=None` skips the model checks (for commands that never embed).
    An index without documents raises IndexEmptyError unless `allow_empty`: whoever asks a question
    of it should hear there is nothing to ask, not get a refusal.

    Raises IndexMissingError (IndexEmptyError when it holds no documents), IndexCorruptError
    (damaged or inconsistent files) or IndexMismatchError (built with another model, chunker or
    index type).
    """
    directory = directory or settings.index_dir
    from rag.index import shards  # imports this module

    if shards.is_sharded(directory):  # written by 'rag ingest --ray': one index over its shards
        return shards.load_sharded(settings, embedder, directory=directory, allow_empty=allow_empty)
    folder = current_generation(directory, FILES)
    manifest = parse_manifest(folder / MANIFEST)
    if not manifest.documents and not allow_empty:  # every document was removed: nothing to answer from
        raise IndexEmptyError(_empty_message(settings.corpus_dir))
    check_manifest(manifest, settings, embedder, directory=directory)
    documents = _read_models(folder / DOCUMENTS, Document)
    chunks = _read_models(folder / CHUNKS, Chunk)
    vectors = FaissIndex.load(
        folder / VECTORS,
        index_type=settings.index_type,
        threads=settings.embed_threads,
        mmap=settings.index_mmap,
    )
    _check_consistent(folder, manifest, documents, chunks, vectors)
    lexical = load_lexical(folder, len(chunks))
    return CorpusIndex(manifest, documents, chunks, vectors, generation=folder.name, lexical=lexical)


def load_lexical(folder: Path, size: int) -> LexicalIndex | None:
    """The saved BM25 index of a generation (checksum verified), or None when the generation has
    none or it was built with another text analysis: the Retriever then builds one."""
    path = optional_file(folder, LEXICAL)
    return LexicalIndex.load(path, TextAnalyser(), size) if path is not None else None


def _check_consistent(
    folder: Path,
    manifest: IndexManifest,
    documents: Sequence[Document],
    chunks: Sequence[Chunk],
    vectors: FaissIndex,
) -> None:
    problems = []
    if not (len(vectors) == len(chunks) == manifest.n_chunks):
        problems.append(f"{len(vectors)} vectors, {len(chunks)} chunks, manifest says {manifest.n_chunks}")
    if vectors.dim != manifest.dim:
        problems.append(f"vector dimension {vectors.dim}, manifest says {manifest.dim}")
    if manifest.vector_index and structure(vectors.effective_type) != structure(manifest.vector_index):
        problems.append(f"vector index {vectors.effective_type!r}, manifest says {manifest.vector_index!r}")
    if {doc.id: doc.content_hash for doc in documents} != manifest.documents:
        problems.append("documents differ from the manifest")
    try:
        _check_chunks(documents, chunks)
    except CorpusError as exc:
        problems.append(str(exc))
    if problems:
        raise IndexCorruptError(f"the index in {folder} is inconsistent ({'; '.join(problems)}); {_REBUILD}")


class SavedIndex(NamedTuple):
    documents: list[Document]
    chunks: list[Chunk]
    dim: int

    def built_from(self, documents: Sequence[Document]) -> bool:
        """True when this index was built from exactly these documents. Compares cleaned
        documents, not just file hashes: a new cleaner changes the chunks too."""
        return self.documents == list(documents)


def read_saved(settings: Settings, embedder: Embedder, *, directory: Path | None = None) -> SavedIndex | None:
    """The documents and chunks of the live index when it was built with these settings (so its
    chunks of an unchanged document can be kept), else None. Never loads the embedding model:
    the fingerprint pins the model, so the dimension is not asked; the vectors are not read."""
    directory = directory or settings.index_dir
    from rag.index import shards  # imports this module

    if shards.is_sharded(directory):
        return shards.read_saved_sharded(settings, embedder, directory)
    try:
        folder = current_generation(directory, FILES)  # a damaged file of any kind: rebuild
        manifest = parse_manifest(folder / MANIFEST)
        check_manifest(manifest, settings, embedder, directory=directory, check_dim=False)
        documents = _read_models(folder / DOCUMENTS, Document)
        saved = SavedIndex(documents, _read_models(folder / CHUNKS, Chunk), manifest.dim)
        _check_chunks(saved.documents, saved.chunks)
    except (IndexMissingError, IndexCorruptError, IndexMismatchError, CorpusError):
        return None
    return saved
