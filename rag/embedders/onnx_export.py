"""Export a local sentence-transformers EmbeddingGemma folder to ONNX and quantise it to int8.

Made once by `rag setup` (RAG_EMBEDDER=onnx-int8), entirely from the assembled model folder: no hub.
The graph holds the whole sentence-transformers pipeline of modules.json (transformer -> mean
pooling -> dense -> dense -> normalise), so the runtime only needs onnxruntime and a tokenizer.

Quantisation is ONNX Runtime's dynamic int8 (weights per channel, activations per batch) on the
linear layers and the token embedding, with exceptions measured on seed chunks (BENCHMARKS.md,
"Embedding speed"): the attention score products (both inputs are activations) and the attention
`v_proj` (0.994 -> 0.997 mean cosine to fp32 for ~no speed).

Every MLP `down_proj` is quantised too, after SmoothQuant (Xiao et al., 2023): its inputs carry
Gemma's large activation outliers in a few channels, and int8 with one scale per batch flattened
everything else (mean cosine to fp32 0.96). Before the export each channel j of those inputs is
divided by s_j and row j of `down_proj`'s weights multiplied by it, which leaves the model's output
unchanged in fp32. The division is folded into `up_proj`'s weights, whose output is the factor of
that channel (down_proj(act(gate(x)) * up(x))), so it costs nothing at run time. s_j =
max|x_j|^ALPHA / max|w_j|^(1-ALPHA) evens the ranges of activations and weights; the maxima come
from running the fp32 model on rag/data/calibration.txt (general Dutch and English text, not the
user's documents). Kept in fp32, `down_proj` took 29% of the int8 model's time.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from rag.errors import ConfigError, ModelSetupError


def has_vnni(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether the CPU has VNNI int8 dot products. Without them onnxruntime's u8s8 int8 kernels
    can saturate (its quantisation docs), which cost one test sentence's cosine to fp32 0.99 ->
    0.95 on an AVX2-only AMD EPYC; there the weights are quantised to 7 bits (reduce_range).
    Unknown (no /proc/cpuinfo): treated as without."""
    try:
        flags = cpuinfo.read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return False
    return any(flag in flags for flag in ("avx512_vnni", "avx_vnni", "amx_int8"))


REDUCE_RANGE = not has_vnni()
# Bump when the export or the quantisation changes: the marker then no longer matches and
# `rag setup` exports again (and the new fingerprint asks for a re-embed).
RECIPE = "int8-smooth-v2" + ("-rr" if REDUCE_RANGE else "")
MODEL_FILE = "model.onnx"
MARKER_FILE = "onnx-int8.json"
COPIED_FILES = ("tokenizer.json", "config_sentence_transformers.json")
# Below this mean cosine to the fp32 model on CHECK_TEXTS the export is refused, not installed.
MIN_CHECK_COSINE = 0.98
CHECK_TEXTS = (
    "Rusland wil tactische kernwapens in Belarus stationeren.",
    "The European Central Bank kept its interest rates unchanged on Thursday.",
    "Meng de bloem met de boter en bak de appeltaart veertig minuten.",
    "Waar wil Rusland tactische kernwapens stationeren?",
)
_OPSET = 17
# Matrix products left in fp32 (see the module docstring).
_KEPT_FP32 = ("/self_attn/MatMul", "/self_attn/MatMul_1", "/self_attn/v_proj/MatMul")
# SmoothQuant's migration strength: 0.5 splits the range evenly between activations and weights.
ALPHA = 0.5
CALIBRATION_TEXTS = Path(__file__).resolve().parents[1] / "data" / "calibration.txt"


class OnnxMarker(BaseModel):
    """What `rag setup` exported, written next to the model once it passed the check."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    recipe: str
    source_fingerprint: str
    sha256: str
    size: int
    dim: int
    max_length: int
    check_cosine: float


def read_marker(folder: Path) -> OnnxMarker | None:
    path = folder / MARKER_FILE
    if not path.is_file():
        return None
    try:
        return OnnxMarker.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Pipeline:
    """Builds the torch module that is exported: the sentence-transformers chain with the
    attention masks made in the graph (transformers' own mask builder uses vmap, which the
    exporter cannot trace)."""

    @staticmethod
    def make(st_model: Any) -> Any:
        import torch

        transformer = st_model[0].auto_model
        config = transformer.config
        if not hasattr(config, "sliding_window") or not hasattr(config, "layer_types"):
            raise ConfigError(
                f"the onnx-int8 embedder supports EmbeddingGemma-style models only "
                f"(got {type(transformer).__name__}); set RAG_EMBEDDER=sentence-transformers"
            )
        window = int(config.sliding_window)
        rest = torch.nn.Sequential(*[st_model[i] for i in range(1, len(st_model))])

        class Exported(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.transformer = transformer
                self.rest = rest

            def forward(self, input_ids: Any, attention_mask: Any) -> Any:
                positions = torch.arange(input_ids.shape[1])
                keep = attention_mask[:, None, None, :].to(torch.bool)
                near = (positions[:, None] - positions[None, :]).abs() < window
                lowest = torch.finfo(torch.float32).min
                masks = {  # EmbeddingGemma attends both ways; sliding layers only within the window
                    "full_attention": torch.where(keep, 0.0, lowest),
                    "sliding_attention": torch.where(keep & near[None, None], 0.0, lowest),
                }
                out = self.transformer(input_ids=input_ids, attention_mask=masks, use_cache=False)
                features = {"token_embeddings": out.last_hidden_state, "attention_mask": attention_mask}
                return self.rest(features)["sentence_embedding"]

        return Exported().eval()


def calibration_texts(path: Path = CALIBRATION_TEXTS) -> list[str]:
    """The paragraphs (blank-line separated) of the calibration file."""
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def smooth_mlps(mlps: Sequence[Any], run: Callable[[], object], alpha: float = ALPHA) -> list[float]:
    """SmoothQuant each MLP (gate/up/down_proj Linear layers, see the module docstring) in place,
    with the input maxima of `down_proj` seen while `run()` runs the model. Returns each layer's
    largest channel maximum over its median before smoothing (how far the outliers stand out)."""
    import torch

    maxima: list[Any] = [None] * len(mlps)

    def watch(i: int) -> Callable[..., None]:
        def hook(_module: Any, args: tuple[Any, ...]) -> None:
            seen = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(dim=0)
            maxima[i] = seen if maxima[i] is None else torch.maximum(maxima[i], seen)

        return hook

    hooks = [mlp.down_proj.register_forward_pre_hook(watch(i)) for i, mlp in enumerate(mlps)]
    try:
        with torch.no_grad():
            run()
    finally:
        for handle in hooks:
            handle.remove()
    spread = []
    with torch.no_grad():
        for mlp, found in zip(mlps, maxima, strict=True):
            if found is None:
                raise ModelSetupError(
                    "calibration never reached an MLP layer (not an EmbeddingGemma-like model); "
                    "set RAG_EMBEDDER=sentence-transformers"
                )
            weights = mlp.down_proj.weight.abs().amax(dim=0).clamp(min=1e-5)
            scale = found.clamp(min=1e-5) ** alpha / weights ** (1 - alpha)
            mlp.up_proj.weight.div_(scale[:, None])
            if mlp.up_proj.bias is not None:
                mlp.up_proj.bias.div_(scale)
            mlp.down_proj.weight.mul_(scale[None, :])
            spread.append(float(found.max() / found.median().clamp(min=1e-9)))
    return spread


def _export_fp32(st_model: Any, path: Path) -> None:
    import torch

    module = _Pipeline.make(st_model)
    ids = torch.tensor([[2, 100, 200, 300, 1], [2, 100, 200, 1, 0]])
    mask = (ids != 0).to(torch.int64)
    dynamic = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            module,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "embedding": {0: "batch"}},
            opset_version=_OPSET,
            dynamo=False,  # the TorchScript exporter handles this graph; dynamo needs onnxscript
        )


def _quantise(fp32: Path, int8: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32), load_external_data=False).graph
    excluded = [node.name for node in graph.node if node.name.endswith(_KEPT_FP32)]
    quantize_dynamic(
        str(fp32),
        str(int8),
        weight_type=QuantType.QInt8,
        per_channel=True,
        reduce_range=REDUCE_RANGE,
        op_types_to_quantize=["MatMul", "Gather"],
        nodes_to_exclude=excluded,
    )


def _check_cosine(
    st_model: Any, want: np.ndarray, int8: Path, tokenizer_json: Path, max_length: int
) -> float:
    """Mean cosine of the int8 export's vectors of CHECK_TEXTS with `want`, the fp32 model's."""
    from rag.embedders.onnx import TEXTS_PER_CALL, OnnxSession

    prompt = st_model.prompts.get("document", "")
    session = OnnxSession(int8, tokenizer_json, threads=1, max_length=max_length)
    got = session.embed([prompt + text for text in CHECK_TEXTS], batch_size=TEXTS_PER_CALL)
    return float(np.mean(np.sum(got * want, axis=1)))


def export_onnx_int8(
    source: Path,
    target: Path,
    *,
    source_fingerprint: str,
    threads: int = 1,
    say: Callable[[str], None] = lambda _: None,
) -> OnnxMarker:
    """Export + quantise `source` into `target` (replaced only when the result passed the check)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        import onnxruntime  # noqa: F401
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            f"exporting the onnx-int8 embedder needs torch, sentence-transformers and onnxruntime "
            f"({exc}); run \"pip install 'rag-nl[models]'\""
        ) from exc
    torch.set_num_threads(threads)
    work = target.with_name(target.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    st_model: Any = SentenceTransformer(
        str(source), device="cpu", local_files_only=True, model_kwargs={"attn_implementation": "eager"}
    )
    start = time.monotonic()
    # The check compares with the model as loaded, before smoothing changes its weights.
    want = st_model.encode_document(list(CHECK_TEXTS), normalize_embeddings=True, convert_to_numpy=True)
    texts = calibration_texts()
    say(f"calibrating on {len(texts)} paragraphs (SmoothQuant)")
    smooth_mlps(
        [layer.mlp for layer in st_model[0].auto_model.layers],
        lambda: st_model.encode_document(texts, batch_size=1),  # one at a time: no padding seen
    )
    say(f"exporting the embedding model to ONNX (fp32, {time.monotonic() - start:.0f} s so far)")
    _export_fp32(st_model, work / "fp32.onnx")
    say(f"quantising to int8 ({time.monotonic() - start:.0f} s so far)")
    _quantise(work / "fp32.onnx", work / MODEL_FILE)
    (work / "fp32.onnx").unlink()
    for name in COPIED_FILES:
        shutil.copy2(source / name, work / name)
    max_length = int(st_model.max_seq_length)
    cosine = _check_cosine(st_model, want, work / MODEL_FILE, work / "tokenizer.json", max_length)
    if cosine < MIN_CHECK_COSINE:
        shutil.rmtree(work, ignore_errors=True)
        raise ModelSetupError(
            f"the int8 ONNX export agrees with the fp32 model only at cosine {cosine:.3f} "
            f"(< {MIN_CHECK_COSINE}); keep RAG_EMBEDDER=sentence-transformers"
        )
    marker = OnnxMarker(
        recipe=RECIPE,
        source_fingerprint=source_fingerprint,
        sha256=file_sha256(work / MODEL_FILE),
        size=(work / MODEL_FILE).stat().st_size,
        dim=int(st_model.get_embedding_dimension()),
        max_length=max_length,
        check_cosine=round(cosine, 5),
    )
    (work / MARKER_FILE).write_text(marker.model_dump_json(indent=2), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    work.rename(target)
    say(f"exported in {time.monotonic() - start:.0f} s, cosine to fp32 {cosine:.4f}")
    return marker
