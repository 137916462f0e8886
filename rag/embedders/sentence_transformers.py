"""SentenceTransformerEmbedder: a local sentence-transformers model (EmbeddingGemma by default) on the CPU.

Everything expensive is lazy: the fingerprint is read from files, the tokenizer is loaded from
`tokenizer.json` without torch, and the model itself only when something must be embedded. So
`rag ingest` on an unchanged corpus never pays the model load.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedders.base import Vectors
from rag.errors import ConfigError, ModelMissingError

_HEX64 = re.compile(r"\b[0-9a-fA-F]{64}\b")
_MAX_HASHED_JSON = 1_000_000  # config files are hashed whole; tokenizer.json (~33 MB) by size only
# One answer embeds its question for retrieval and again to choose the quote; remembering the
# last few queries saves the second pass through the model.
_RECENT_QUERIES = 16


def _marker_checksum(folder: Path) -> str | None:
    """sha256 of the weights as recorded by `rag setup` in a `.verified` marker, if any."""
    for marker in (folder / "model.safetensors.verified", folder.with_name(folder.name + ".verified")):
        if not marker.is_file():
            continue
        text = marker.read_text(encoding="utf-8", errors="replace")
        try:  # `rag setup` writes {"sha256": <weights>, "size": ..., "files": {...}}
            recorded = json.loads(text).get("sha256")
        except (json.JSONDecodeError, AttributeError):
            recorded = None
        found = _HEX64.fullmatch(recorded) if isinstance(recorded, str) else _HEX64.search(text)
        if found:
            return found.group(0).lower()
    return None


def _folder_digest(folder: Path) -> str:
    """Cheap identity: every file's name and size plus the contents of the small JSON configs."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".verified"):
        size = path.stat().st_size
        digest.update(f"{path.relative_to(folder).as_posix()}\0{size}\n".encode())
        if path.suffix == ".json" and size <= _MAX_HASHED_JSON:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def model_fingerprint(model: str) -> str:
    """Identity of a model's weights without loading it (a hub name stands for itself)."""
    folder = Path(model).expanduser()
    if not folder.is_dir():
        return f"name:{model}"
    checksum = _marker_checksum(folder)
    if checksum is not None:
        return f"sha256:{checksum}"
    return f"files:{_folder_digest(folder)}"


def _quiet_transformers() -> None:
    """No 'Loading weights' bar on every start; our own progress bars say what matters."""
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:
        return
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]


class SentenceTransformerEmbedder:
    """Encodes documents and queries with the model's own prompts, L2-normalised float32."""

    def __init__(
        self,
        model: str,
        *,
        threads: int = 1,
        batch_size: int = 8,
        fingerprint: str | None = None,
        name: str | None = None,
    ) -> None:
        self._model_path = model
        self._threads = threads
        self._batch_size = batch_size
        self._fingerprint = fingerprint
        self._name = name or model
        self._model: Any = None
        self._tokenizer: Any = None
        self._queries: OrderedDict[str, Vectors] = OrderedDict()

    @property
    def name(self) -> str:
        return self._name

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = model_fingerprint(self._model_path)
        return self._fingerprint

    @property
    def dim(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def model(self) -> Any:
        """The loaded SentenceTransformer (loaded on first use)."""
        if self._model is None:
            self._model = self._load_model()
        return self._model

    def _load_model(self) -> Any:
        local = Path(self._model_path).expanduser().exists()
        if local:
            # A local model (the offline default) must never reach a hub, not even to check for
            # updates; huggingface_hub reads these when it is first imported, just below.
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"sentence-transformers is not installed ({exc}); run "
                "\"pip install 'rag-nl[models]'\" or set RAG_EMBEDDER=hashing"
            ) from exc
        torch.set_num_threads(self._threads)
        _quiet_transformers()
        try:
            return SentenceTransformer(self._model_path, device="cpu", local_files_only=local)
        except (OSError, ValueError) as exc:
            raise ModelMissingError(
                f"cannot load embedding model {self._model_path!r} ({exc}); run 'rag setup' "
                "or set RAG_EMBED_MODEL to a local sentence-transformers folder"
            ) from exc

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sentence-transformers sorts the texts by length before batching (less padding) and
        # restores the order, so one call with our batch size is the fast path.
        vectors = self.model.encode_document(
            list(texts),
            batch_size=self._batch_size,
            show_progress_bar=progress,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        if text in self._queries:
            self._queries.move_to_end(text)
        else:
            vector = self.model.encode_query(text, normalize_embeddings=True, convert_to_numpy=True)
            self._queries[text] = np.ascontiguousarray(vector, dtype=np.float32).reshape(-1)
            if len(self._queries) > _RECENT_QUERIES:
                self._queries.popitem(last=False)
        return self._queries[text].copy()  # a copy: callers may write into it

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text))

    def _tokenize(self, text: str) -> list[int]:
        if self._tokenizer is None:
            self._tokenizer = self._load_tokenizer()
        if self._tokenizer is False:  # no tokenizer.json: use the loaded model's tokenizer
            ids: list[int] = self.model.tokenizer(text, add_special_tokens=False)["input_ids"]
            return ids
        return list(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def _load_tokenizer(self) -> Any:
        """The fast tokenizer straight from tokenizer.json: same ids, no torch import."""
        path = Path(self._model_path).expanduser() / "tokenizer.json"
        if not path.is_file():
            return False
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer
