"""Settings: read once at the edges (CLI, UI start-up, tests) and passed down.

Every field can be set with an environment variable `RAG_<FIELD>` or in a `.env` file.
Library code never reads the environment itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, get_args, get_origin

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

# The names of rag/generators/backends.py's table (a test keeps the two equal); a Literal so that
# a wrong RAG_GENERATOR or --generator is refused with the allowed names.
GeneratorName = Literal["llama-cpp", "ollama", "extractive", "scripted"]
# onnx-int8: the same model exported to ONNX and quantised to int8 by `rag setup` (rag/embedders/onnx.py).
EmbedderName = Literal["sentence-transformers", "onnx-int8", "hashing"]

# Built-in offline models, assembled by `rag setup` from packages (see rag/models/).
DEFAULT_EMBED_MODEL = "embeddinggemma-300m"
DEFAULT_LLM_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def _default_threads() -> int:
    """Two threads: on an idle 2-core machine they run the embedder and the LLM 1.5-2x faster
    than one (BENCHMARKS.md, "Threads"). More rarely help these small models, and when other
    work keeps a core busy, llama.cpp and torch collapse: set RAG_*_THREADS=1 then (tests do)."""
    return min(2, os.cpu_count() or 1)


def _default_home() -> Path:
    return Path.home() / ".cache" / "rag-nl"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # Where models and caches live (shared by all projects of this user).
    home: Path = Field(default_factory=_default_home)
    # Where this corpus's index and feedback live.
    data_dir: Path = Path(".rag")
    corpus_dir: Path = Path("seeds")
    strict_corpus: bool = False  # unreadable files: error instead of warning + skip

    # Embeddings: a built-in name, a sentence-transformers model name, or a folder path.
    embedder: EmbedderName = "sentence-transformers"
    embed_model: str = DEFAULT_EMBED_MODEL
    embed_threads: int = Field(default_factory=lambda: _default_threads(), ge=1)
    embed_batch_size: int = Field(default=8, ge=1)

    # Chunking, in tokens of the embedding model.
    chunk_tokens: int = Field(default=160, ge=16)
    chunk_overlap: int = Field(default=32, ge=0)

    # Vector index (rag/index/choice.py; docs/SCALE.md). "auto": exact search (flat) up to
    # auto_flat_max_chunks chunks, IVF over 8-bit codes (ivf-sq8) above; the others force a type.
    index_type: Literal["auto", "flat", "hnsw", "ivf", "ivf-sq8"] = "auto"
    auto_flat_max_chunks: int = Field(default=50_000, ge=0)
    # Open the saved vector index memory-mapped: "auto" when it is larger than half the available
    # RAM, "on"/"off" always/never (a mapped index reads its pages from disk as searches need them).
    index_mmap: Literal["auto", "on", "off"] = "auto"

    # Retrieval
    retrieve_k: int = Field(default=20, ge=1)  # candidates per leg
    top_k: int = Field(default=5, ge=1)  # passages offered to the model
    max_passage_tokens: int = Field(default=90, ge=16)  # passages are trimmed to their best sentences
    # Evidence first (rag/answering/evidence_prompt.py): the model reads the best N sentences
    # across the retrieved chunks, each with the next one, within max_evidence_tokens.
    # 0 offers top_k chunks instead, each trimmed to max_passage_tokens.
    evidence_sentences: int = Field(default=6, ge=0)
    max_evidence_tokens: int = Field(default=400, ge=16)
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    recency_weight: float = 0.0  # >0 favours newer documents for "latest"-style questions

    # Generation
    generator: GeneratorName = "llama-cpp"
    llm_model: str = DEFAULT_LLM_MODEL  # built-in name or a .gguf path
    llm_threads: int = Field(default_factory=lambda: _default_threads(), ge=1)
    n_ctx: int = Field(default=4096, ge=512)
    max_answer_tokens: int = Field(default=384, ge=16)
    temperature: float = Field(default=0.1, ge=0.0)
    ollama_host: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:1.5b-instruct"
    ollama_timeout_s: float = 120.0

    # Answering
    answer_language: Literal["auto", "nl", "en"] = "auto"
    # Refuse before generating when no passage's cosine with the question reaches this
    # (rag/answering/refusal.py). 0.0, the default, turns the gate off: the checks refuse instead.
    refusal_threshold: float = 0.0
    support_threshold: float = 0.5  # minimum support (0..1) of a sentence by its cited passage
    max_question_chars: int = Field(default=2000, ge=10)
    max_history_turns: int = Field(default=6, ge=0)
    quote_sources: bool = True  # add the best source sentence, verbatim, under the answer
    # Quote sentences in another language than the answer's too, in machine translation
    # (labelled; the citation points at the original). Off by default: with the built-in 1.5B
    # model every translation of the public set's quotes failed the faithfulness and number
    # checks, so each English answer paid ~10 s per quote for nothing shown. Worth turning on
    # with a stronger model (Ollama).
    translate_quotes: bool = False
    # When none of the model's sentences hold up, answer with the source sentence that answers
    # the question on its own, quoted, instead of refusing (rag/answering/compose.py).
    answer_from_sources: bool = True
    # Ask the model to answer a question in another language than most of its passages in theirs,
    # check it there, and translate it at the end (rag/answering/pivot.py). Off by default: the
    # built-in model writes the question's language anyway in 46 of 53 English questions, and
    # the measured effect was mixed (BENCHMARKS.md, "Writing in the sources' language").
    write_in_source_language: bool = False
    fix_untranslated: bool = True  # re-translate answer sentences that kept source-language words

    # Ingest on Ray (`rag ingest --ray auto|ADDRESS`, rag/index/ray_ingest.py): the CPUs of the
    # local Ray that `auto` starts (one model per CPU, one thread each), and the number of index
    # shards (0: one per 200,000 chunks).
    ray_cpus: int = Field(default=2, ge=1)
    shard_count: int = Field(default=0, ge=0)

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def conversations_dir(self) -> Path:
        """The web chat's saved conversations, one JSON file each (ui/conversations.py)."""
        return self.data_dir / "conversations"


ENV_PREFIX = "RAG_"
_KINDS: dict[object, str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    Path: "a path",
    str: "text",
}


def env_name(field: str) -> str:
    return f"{ENV_PREFIX}{field.upper()}"


def allowed_values(field: str) -> str:
    """What a setting accepts, in words: "one of 'auto', 'nl', 'en'" or "a whole number >= 1"."""
    info = Settings.model_fields.get(field)
    if info is None:
        return "a valid value"
    if get_origin(info.annotation) is Literal:
        return "one of " + ", ".join(repr(v) for v in get_args(info.annotation))
    kind = next((words for cls, words in _KINDS.items() if info.annotation is cls), "a valid value")
    bounds = [f">= {m.ge}" for m in info.metadata if getattr(m, "ge", None) is not None]
    return " ".join([kind, *bounds])


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_settings_error(exc: ValidationError, flags: Mapping[str, str] | None = None) -> str:
    """One line per invalid setting: its name, the value given, what is allowed and where it came
    from (`flags`: field -> the command-line option that set it; otherwise RAG_<FIELD>)."""
    flags = flags or {}
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        source = flags.get(field) or f"{env_name(field)} (environment or .env)"
        problems.append(
            f"invalid setting {field}={_short(error['input'])} from {source}: use {allowed_values(field)}"
        )
    return "; ".join(problems)
