"""The int8 ONNX copy of the embedding model (RAG_EMBEDDER=onnx-int8): where it lives, whether it
is current, and making it in `rag setup`. The export itself is rag/embedders/onnx_export.py."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from rag.config import Settings
from rag.embedders.onnx_export import (
    MODEL_FILE,
    RECIPE,
    OnnxMarker,
    export_onnx_int8,
    file_sha256,
    read_marker,
)
from rag.embedders.sentence_transformers import model_fingerprint
from rag.errors import ModelMissingError
from rag.models.assemble import SetupResult
from rag.models.registry import BUILTIN_EMBED, resolve_embed_model

SUFFIX = "-onnx-int8"
_SETUP_FIX = "run 'rag setup' with RAG_EMBEDDER=onnx-int8 (it exports the model once, a few minutes)"


def onnx_embed_dir(settings: Settings) -> Path:
    """`<models>/embeddinggemma-300m-onnx-int8` for the built-in model; the user's own model
    folder gets its name plus a short hash of its path, so two folders never share one export."""
    name = settings.embed_model
    if name in BUILTIN_EMBED:
        return settings.models_dir / (BUILTIN_EMBED[name] + SUFFIX)
    tag = hashlib.sha256(name.encode()).hexdigest()[:8]
    return settings.models_dir / f"{Path(name).name}-{tag}{SUFFIX}"


def _stale_reason(folder: Path, marker: OnnxMarker | None, source_fingerprint: str) -> str | None:
    if marker is None:
        return "is not exported yet"
    if marker.recipe != RECIPE:
        return f"was made by export recipe {marker.recipe!r}, this version uses {RECIPE!r}"
    if marker.source_fingerprint != source_fingerprint:
        return "was exported from other weights than the current embedding model"
    model = folder / MODEL_FILE
    if not model.is_file() or model.stat().st_size != marker.size:
        return "is incomplete"
    return None


def current_onnx_model(settings: Settings) -> tuple[Path, OnnxMarker]:
    """The exported folder and its marker; ModelMissingError naming `rag setup` if it is not current."""
    source = resolve_embed_model(settings)
    folder = onnx_embed_dir(settings)
    marker = read_marker(folder)
    reason = _stale_reason(folder, marker, model_fingerprint(source))
    if reason is not None or marker is None:
        raise ModelMissingError(f"the onnx-int8 embedding model in {folder} {reason}; {_SETUP_FIX}")
    return folder, marker


def ensure_onnx_model(
    settings: Settings, *, verify: bool = False, say: Callable[[str], None] = lambda _: None
) -> SetupResult:
    """Export (once) the int8 ONNX model for the embedding model the settings name."""
    start = time.perf_counter()
    source = resolve_embed_model(settings)
    folder = onnx_embed_dir(settings)
    fingerprint = model_fingerprint(source)
    marker = read_marker(folder)
    action = "present"
    if _stale_reason(folder, marker, fingerprint) is None and marker is not None:
        if not verify:
            return _result(settings, folder, "present", start)
        if file_sha256(folder / MODEL_FILE) == marker.sha256:
            return _result(settings, folder, "verified", start)
        say(f"{folder / MODEL_FILE} does not match its recorded sha256: exporting it again")
    if not Path(source).expanduser().is_dir():
        raise ModelMissingError(
            f"RAG_EMBED_MODEL={settings.embed_model} is not a local folder; the onnx-int8 export "
            "needs one (use the built-in model or a sentence-transformers folder)"
        )
    action = "exported"
    export_onnx_int8(
        Path(source).expanduser(),
        folder,
        source_fingerprint=fingerprint,
        threads=settings.embed_threads,
        say=say,
    )
    return _result(settings, folder, action, start)


def _result(settings: Settings, folder: Path, action: str, start: float) -> SetupResult:
    return SetupResult.model_validate(
        {
            "name": settings.embed_model + SUFFIX,
            "path": folder,
            "action": action,
            "seconds": round(time.perf_counter() - start, 2),
        }
    )
