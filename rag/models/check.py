"""`rag setup --check`: prove both models load and run, with timings."""

from __future__ import annotations

import os
import time
from typing import Any

from pydantic import BaseModel, ConfigDict

from rag.config import Settings
from rag.errors import ModelSetupError
from rag.models.provision import llm_runtime_install_command
from rag.models.registry import damaged_llm_fix, resolve_embed_model, resolve_llm_path

CHECK_SENTENCE = "Waar wil Rusland tactische kernwapens stationeren?"
CHECK_PROMPT = "Antwoord in één korte Nederlandse zin: wat is de hoofdstad van Nederland?"
# Hugging Face libraries must never reach a hub when the offline built-in models are used.
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


class EmbedCheck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    model: str
    dim: int
    norm: float
    load_s: float
    encode_s: float


class LlmCheck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    model: str
    load_s: float
    first_token_s: float
    completion_tokens: int
    tokens_per_s: float
    text: str


def set_offline_env() -> None:
    """Called before sentence-transformers is imported: the hub flags are read at import time."""
    os.environ.update(OFFLINE_ENV)


def check_embedder(settings: Settings) -> EmbedCheck:
    folder = resolve_embed_model(settings)
    set_offline_env()
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelSetupError(
            f"the embedding runtime is missing ({exc.name}); install it with: pip install -e '.[models]'"
        ) from None
    torch.set_num_threads(settings.embed_threads)
    start = time.perf_counter()
    model = SentenceTransformer(folder, device="cpu")
    loaded = time.perf_counter()
    vector = model.encode_query(CHECK_SENTENCE)
    done = time.perf_counter()
    return EmbedCheck(
        model=folder,
        dim=int(vector.shape[-1]),
        norm=float((vector**2).sum() ** 0.5),
        load_s=round(loaded - start, 2),
        encode_s=round(done - loaded, 3),
    )


def load_llama(settings: Settings, n_ctx: int = 512) -> Any:
    path = resolve_llm_path(settings)
    try:
        from llama_cpp import Llama
    except ImportError:
        raise ModelSetupError(
            f"the LLM runtime llama-cpp-python is not installed; run: {llm_runtime_install_command()}"
        ) from None
    try:
        return Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=settings.llm_threads,
            n_threads_batch=settings.llm_threads,
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        raise ModelSetupError(
            f"cannot load the GGUF model {path}: {exc}; {damaged_llm_fix(settings)}"
        ) from exc


def check_llm(settings: Settings, max_tokens: int = 16) -> LlmCheck:
    start = time.perf_counter()
    llm = load_llama(settings)
    loaded = time.perf_counter()
    stream = llm.create_chat_completion(
        messages=[{"role": "user", "content": CHECK_PROMPT}],
        max_tokens=max_tokens,
        temperature=0.0,
        stream=True,
    )
    first: float | None = None
    pieces: list[str] = []
    for event in stream:
        delta = event["choices"][0]["delta"].get("content")
        if delta:
            first = first or time.perf_counter()
            pieces.append(str(delta))
    end = time.perf_counter()
    if first is None:
        raise ModelSetupError(
            f"{settings.llm_model} produced no tokens; the GGUF file may be damaged: 'rag setup --verify'"
        )
    rate = (len(pieces) - 1) / (end - first) if len(pieces) > 1 and end > first else 0.0
    return LlmCheck(
        model=str(resolve_llm_path(settings)),
        load_s=round(loaded - start, 2),
        first_token_s=round(first - loaded, 2),
        completion_tokens=len(pieces),
        tokens_per_s=round(rate, 1),
        text="".join(pieces).strip(),
    )
