"""OnnxEmbedder: EmbeddingGemma exported to ONNX and quantised to int8 (rag/embedders/onnx_export.py).

Same texts in as the sentence-transformers path (the model's own query/document prompts, the same
tokenizer.json with its <bos>/<eos>), L2-normalised float32 out; only onnxruntime, tokenizers and
numpy at run time, no torch. The model is exported by `rag setup` with RAG_EMBEDDER=onnx-int8.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedders.base import Vectors
from rag.embedders.batching import embed_sorted
from rag.embedders.onnx_export import MODEL_FILE, RECIPE, OnnxMarker
from rag.errors import ConfigError

BACKEND = "onnx-int8"
# One text per model call. The int8 model quantises its activations with ranges taken over the
# whole call, so in a batch a text's vector would depend on its neighbours (up to 0.008 per
# component on the seeds) and an incremental ingest would not equal a rebuild. Measured on the
# seeds, one text per call is as fast as batches of 8 (no padding either; BENCHMARKS.md).
TEXTS_PER_CALL = 1
_RECENT_QUERIES = 16  # as in the sentence-transformers embedder: one answer embeds its question twice


class OnnxSession:
    """An onnxruntime session plus the tokenizer: texts (prompt included) -> normalised vectors."""

    def __init__(self, model: Path, tokenizer_json: Path, *, threads: int, max_length: int) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ConfigError(
                f"the onnx-int8 embedder needs onnxruntime ({exc}); run \"pip install 'rag-nl[models]'\" "
                "or set RAG_EMBEDDER=sentence-transformers"
            ) from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(tokenizer_json))
        self._tokenizer.no_padding()
        # The same cut sentence-transformers makes at max_seq_length (chunks are far shorter).
        self._tokenizer.enable_truncation(max_length)
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [list(e.ids) for e in self._tokenizer.encode_batch(list(texts), add_special_tokens=True)]

    def run(self, batch: list[list[int]]) -> Vectors:
        """One padded batch (right padding: every text keeps positions 0..n-1, as unbatched)."""
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        (vectors,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)

    def embed(self, texts: Sequence[str], *, batch_size: int, progress: Any = None) -> Vectors:
        on_batch = None if progress is None else progress.update
        return embed_sorted(self.token_ids(texts), batch_size, self.run, self.dim, on_batch=on_batch)


class OnnxEmbedder:
    """The Embedder Protocol over an exported folder; loads the session on first use."""

    def __init__(self, folder: Path, marker: OnnxMarker, *, name: str, threads: int = 1) -> None:
        self._folder = folder
        self._marker = marker
        self._name = name
        self._threads = threads
        self._session: OnnxSession | None = None
        self._counter: Any = None  # a tokenizer without truncation, for chunk sizes
        self._queries: OrderedDict[str, Vectors] = OrderedDict()
        prompts = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self._prompts: dict[str, str] = prompts.get("prompts", {})

    @property
    def name(self) -> str:
        return self._name

    @property
    def fingerprint(self) -> str:
        # Its own identity: the int8 vectors differ from fp32, so neither the index nor the
        # embedding cache of the sentence-transformers path may be reused.
        return f"{BACKEND}-{RECIPE}:sha256:{self._marker.sha256}"

    @property
    def dim(self) -> int:
        return self._marker.dim

    @property
    def session(self) -> OnnxSession:
        if self._session is None:
            self._session = OnnxSession(
                self._folder / MODEL_FILE,
                self._folder / "tokenizer.json",
                threads=self._threads,
                max_length=self._marker.max_length,
            )
        return self._session

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prompt = self._prompts.get("document", "")
        prompted = [prompt + text for text in texts]
        if not progress:
            return self.session.embed(prompted, batch_size=TEXTS_PER_CALL)
        from tqdm import tqdm

        with tqdm(total=len(texts), desc="Embedding", unit="chunk") as bar:
            return self.session.embed(prompted, batch_size=TEXTS_PER_CALL, progress=bar)

    def embed_query(self, text: str) -> Vectors:
        if text in self._queries:
            self._queries.move_to_end(text)
        else:
            prompted = self._prompts.get("query", "") + text
            self._queries[text] = self.session.embed([prompted], batch_size=TEXTS_PER_CALL)[0]
            if len(self._queries) > _RECENT_QUERIES:
                self._queries.popitem(last=False)
        return self._queries[text].copy()

    def count_tokens(self, text: str) -> int:
        # The tokenizer alone, without special tokens: the same count as the fp32 path, so
        # both backends cut the corpus into identical chunks.
        if self._counter is None:
            from tokenizers import Tokenizer

            self._counter = Tokenizer.from_file(str(self._folder / "tokenizer.json"))
            self._counter.no_truncation()
            self._counter.no_padding()
        return len(self._counter.encode(text, add_special_tokens=False).ids)
