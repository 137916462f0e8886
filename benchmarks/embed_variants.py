"""Other ways to run EmbeddingGemma faster, measured against today's fp32 path in one run.

`embed_speed.py` measures what the product ships (fp32 and the opt-in onnx-int8). This script
measures candidates that are not shipped, so that the choice among them rests on figures:

- onnx-fp32: the same model exported to ONNX and run unquantised by ONNX Runtime;
- onnx-nbits8-bN: ONNX Runtime's MatMulNBits with 8-bit weights in blocks of N and int8
  arithmetic on activations quantised per block of N (accuracy_level 4), instead of one scale
  for a whole activation tensor as onnx-int8 does;
- onnx-int8-mixed: the shipped onnx-int8's dynamic int8, with `v_proj` and `down_proj` as
  nbits8-b256 (instead of fp32 and SmoothQuant);
- gguf-q8_0: the model converted to GGUF (llama.cpp's converter, from the llama-cpp-python
  sdist) and quantised to Q8_0, run by llama.cpp in embedding mode (pooling and the two dense
  layers in the GGUF).

Each is timed on the seed chunks with one thread, interleaved with fp32 round by round, then its
vectors are compared with fp32 (cosine) and, with `--gate`, an index of the seeds is built with
it and hit@5 and MRR of dense and hybrid retrieval are computed on every gold set, as in
`embed_speed.py` (only aggregates are printed).

Making the candidates (`--make DIR`) needs the fp32 model (`rag setup`) and, for the GGUF one,
`--llama-cpp-src` pointing at an unpacked llama-cpp-python sdist of the installed version
(`pip download llama-cpp-python==<version> --no-deps --no-binary :all:`) with `sentencepiece`
and `onnx_ir` importable. Nothing here is used by the product.

    .venv/bin/python benchmarks/embed_variants.py --make /tmp/variants [--llama-cpp-src DIR]
    .venv/bin/python benchmarks/embed_variants.py /tmp/variants/*.onnx /tmp/variants/*.gguf --gate
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import embed_speed  # noqa: E402

from rag.config import Settings  # noqa: E402
from rag.corpus import chunk_documents, load_corpus  # noqa: E402
from rag.embedders import create_embedder  # noqa: E402
from rag.embedders.onnx import OnnxSession  # noqa: E402

Run = Callable[[Sequence[str]], np.ndarray]


def make_candidates(out: Path, settings: Settings, llama_cpp_src: Path | None) -> None:
    """Export fp32 ONNX, quantise it with MatMulNBits, and (given the sources) convert to GGUF."""
    from rag.embedders import onnx_export
    from rag.models import resolve_embed_model

    out.mkdir(parents=True, exist_ok=True)
    source = Path(resolve_embed_model(settings))
    fp32 = out / "onnx-fp32.onnx"
    if not fp32.exists():
        from sentence_transformers import SentenceTransformer

        model: Any = SentenceTransformer(
            str(source), device="cpu", local_files_only=True, model_kwargs={"attn_implementation": "eager"}
        )
        onnx_export._export_fp32(model, fp32)
    for block in (32, 256):
        target = out / f"onnx-nbits8-b{block}.onnx"
        if not target.exists():
            _nbits8(fp32, target, block)
    mixed = out / "onnx-int8-mixed.onnx"
    if not mixed.exists():
        _mixed(fp32, out / "onnx-int8-mixed.stage.onnx", mixed)
    if llama_cpp_src is None:
        return
    f32_gguf = out / "gguf-f32.gguf"
    if not f32_gguf.exists():
        src = llama_cpp_src / "vendor" / "llama.cpp"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(src / "gguf-py"), os.environ.get("PYTHONPATH", "")]),
        }
        subprocess.run(
            [sys.executable, str(src / "convert_hf_to_gguf.py"), str(source), "--outfile", str(f32_gguf),
             "--outtype", "f32", "--sentence-transformers-dense-modules"],
            check=True, env=env,
        )  # fmt: skip
    q8 = out / "gguf-q8_0.gguf"
    if not q8.exists():
        import ctypes

        import llama_cpp

        params = llama_cpp.llama_model_quantize_default_params()
        params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0
        if llama_cpp.llama_model_quantize(str(f32_gguf).encode(), str(q8).encode(), ctypes.byref(params)):
            raise SystemExit("llama.cpp could not quantise the GGUF")


def _nbits8(source: Path, target: Path, block: int, keep: Sequence[str] = ()) -> None:
    """MatMulNBits, 8-bit weights in blocks of `block`, int8 arithmetic; the MatMul nodes named
    in `keep` stay as they are (the quantiser takes every MatMul not excluded: its
    nodes_to_include only adds)."""
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    config = DefaultWeightOnlyQuantConfig(
        block_size=block, is_symmetric=True, accuracy_level=4, bits=8, op_types_to_quantize=("MatMul",)
    )
    quantizer = MatMulNBitsQuantizer(str(source), algo_config=config, nodes_to_exclude=list(keep))
    quantizer.process()
    quantizer.model.save_model_to_file(str(target), use_external_data_format=False)


def _mixed(fp32: Path, stage: Path, target: Path) -> None:
    """Dynamic int8 as the shipped onnx-int8 (attention score products in fp32), but `v_proj` and
    `down_proj` as MatMulNBits 8-bit in blocks of 256 instead of fp32 / SmoothQuant."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [
        n.name for n in onnx.load(str(fp32), load_external_data=False).graph.node if n.op_type == "MatMul"
    ]
    blockwise = [n for n in names if n.endswith(("/self_attn/v_proj/MatMul", "/mlp/down_proj/MatMul"))]
    scores = [n for n in names if n.endswith(("/self_attn/MatMul", "/self_attn/MatMul_1"))]
    _nbits8(fp32, stage, 256, keep=[n for n in names if n not in blockwise])
    quantize_dynamic(
        str(stage), str(target), weight_type=QuantType.QInt8, per_channel=True,
        op_types_to_quantize=["MatMul", "Gather"], nodes_to_exclude=scores,
    )  # fmt: skip
    stage.unlink()


def onnx_run(path: Path, tokenizer_json: Path) -> Run:
    """Texts (prompt included) -> normalised vectors, one text per call."""
    session = OnnxSession(path, tokenizer_json, threads=1, max_length=2048)
    session.embed(["warm-up"], batch_size=1)
    return lambda texts: session.embed(list(texts), batch_size=1)


def gguf_run(path: Path) -> Run:
    """Texts (prompt included) -> normalised vectors, one text per call."""
    import llama_cpp

    llm = llama_cpp.Llama(
        str(path), embedding=True, n_threads=1, n_threads_batch=1, n_ctx=2048, n_batch=2048,
        n_ubatch=2048, verbose=False,
    )  # fmt: skip
    llm.embed("warm-up")

    def run(texts: Sequence[str]) -> np.ndarray:
        vectors = np.array([llm.embed(t) for t in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    return run


class CandidateEmbedder:
    """The Embedder Protocol over a candidate's run function (fp32's tokenizer counts chunks)."""

    def __init__(self, name: str, run: Run, fp32: Any) -> None:
        self.name = f"variant-{name}"
        self.fingerprint = f"variant-{name}"
        self.dim = fp32.dim
        self._run = run
        self._fp32 = fp32
        self._prompts = fp32.model.prompts

    def embed_documents(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._run([self._prompts.get("document", "") + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._run([self._prompts.get("query", "") + text])[0]

    def count_tokens(self, text: str) -> int:
        return int(self._fp32.count_tokens(text))


def gate(settings: Settings, candidate: CandidateEmbedder) -> tuple[float, float]:
    """Largest drop and rise of any retrieval figure against fp32, as embed_speed.py computes them."""
    import rag.embedders

    real_factory = rag.embedders.create_embedder

    def factory(scoped: Settings) -> Any:
        return candidate if scoped.embedder == "onnx-int8" else real_factory(scoped)

    rag.embedders.create_embedder = factory  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="rag-variant-") as scratch:
            scores = {
                name: embed_speed.quality(settings, name, Path(scratch))  # type: ignore[arg-type]
                for name in ("sentence-transformers", "onnx-int8")
            }
    finally:
        rag.embedders.create_embedder = real_factory
    rows, drop, rise = embed_speed.quality_table(scores)
    print("\n".join(rows))
    return drop, rise


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("candidates", nargs="*", type=Path, help=".onnx or .gguf files")
    parser.add_argument("--make", type=Path, help="write the candidates into this folder and stop")
    parser.add_argument("--llama-cpp-src", type=Path, help="unpacked llama-cpp-python sdist (for GGUF)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    parser.add_argument("--chunks", type=int, default=0, help="only the first N chunks (0: all)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--gate", action="store_true", help="also the retrieval gate")
    args = parser.parse_args()
    settings = Settings(corpus_dir=args.corpus, embed_threads=1, llm_threads=1)
    if args.make:
        make_candidates(args.make, settings, args.llama_cpp_src)
        return
    fp32: Any = create_embedder(settings)
    documents = load_corpus(settings.corpus_dir).documents
    chunks = chunk_documents(documents, fp32.count_tokens, target_tokens=settings.chunk_tokens,
                             overlap_tokens=settings.chunk_overlap)  # fmt: skip
    texts = [c.text for c in chunks][: args.chunks or None]
    tokenizer_json = settings.models_dir / settings.embed_model / "tokenizer.json"
    fp32.embed_query("warm-up")
    runs: dict[str, Run] = {"fp32 (today)": fp32.embed_documents}
    candidates = {}
    for path in args.candidates:
        run = gguf_run(path) if path.suffix == ".gguf" else onnx_run(path, tokenizer_json)
        candidates[path.stem] = CandidateEmbedder(path.stem, run, fp32)
        runs[path.stem] = candidates[path.stem].embed_documents
    load_before = os.getloadavg()[0]
    seconds: dict[str, list[float]] = {}
    for round_ in range(args.repeats):
        print(f"round {round_ + 1}/{args.repeats}", flush=True)
        vectors = embed_speed.speed_round(runs, texts, seconds)
    base_time, base = min(seconds["fp32 (today)"]), vectors["fp32 (today)"]
    load_after = os.getloadavg()[0]
    print(
        f"\n{len(texts)} chunks, 1 thread, {args.repeats} rounds, load {load_before:.2f} -> {load_after:.2f}"
    )
    print("| path | chunks/s | ratio vs fp32 | mean cosine | min cosine |\n|---|---:|---:|---:|---:|")
    for name, times in seconds.items():
        cos = np.sum(base * vectors[name], axis=1)
        speed, ratio = len(texts) / min(times), base_time / min(times)
        print(f"| {name} | {speed:.2f} | {ratio:.2f}x | {cos.mean():.4f} | {cos.min():.4f} |")
    if args.gate:
        for name, candidate in candidates.items():
            drop, rise = gate(settings, candidate)
            print(f"{name}: largest drop {drop:.3f}, largest rise {rise:.3f}")


if __name__ == "__main__":
    main()
