"""A tiny exported-model folder for OnnxEmbedder tests: a word-level tokenizer and a real ONNX graph
(token table -> masked mean -> L2 norm), laid out as `rag setup` leaves the int8 export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, pre_tokenizers, processors

from rag.embedders.onnx_export import MARKER_FILE, MODEL_FILE, RECIPE, OnnxMarker, file_sha256

DIM = 16
PROMPTS = {"query": "task: search result | query: ", "document": "title: none | text: "}
_SPECIAL = ["<pad>", "<eos>", "<bos>", "<unk>"]
_WORDS = " ".join(
    [
        "task search result query title none text rusland wil tactische kernwapens in belarus",
        "plaatsen zei president poetin een recept voor appeltaart met kaneel en rozijnen de navo",
        "reageerde terughoudend op aankondiging waar : | . , ?",
    ]
).split()


def _tokenizer() -> Tokenizer:
    vocab = {token: i for i, token in enumerate(_SPECIAL + _WORDS)}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.normalizer = None
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<bos> $A <eos>", special_tokens=[("<bos>", 2), ("<eos>", 1)]
    )
    return tokenizer


def _graph(vocab_size: int) -> onnx.ModelProto:
    table = np.random.default_rng(7).normal(size=(vocab_size, DIM)).astype(np.float32)
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["tokens"]),
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["tokens", "mask3"], ["kept"]),
        helper.make_node("ReduceSum", ["kept", "axis1"], ["total"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "axis1"], ["count"], keepdims=0),
        helper.make_node("Div", ["total", "count"], ["mean"]),
        helper.make_node("LpNormalization", ["mean"], ["embedding"], axis=1, p=2),
    ]
    graph = helper.make_graph(
        nodes,
        "fake-embedder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", DIM])],
        initializer=[
            numpy_helper.from_array(table, "table"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def make_export(folder: Path) -> OnnxMarker:
    """Write the folder and its marker; returns the marker."""
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = _tokenizer()
    tokenizer.save(str(folder / "tokenizer.json"))
    onnx.save(_graph(tokenizer.get_vocab_size()), str(folder / MODEL_FILE))
    config = folder / "config_sentence_transformers.json"
    config.write_text(json.dumps({"prompts": PROMPTS}), encoding="utf-8")
    marker = OnnxMarker(
        recipe=RECIPE,
        source_fingerprint="files:fake",
        sha256=file_sha256(folder / MODEL_FILE),
        size=(folder / MODEL_FILE).stat().st_size,
        dim=DIM,
        max_length=64,
        check_cosine=1.0,
    )
    (folder / MARKER_FILE).write_text(marker.model_dump_json(), encoding="utf-8")
    return marker
