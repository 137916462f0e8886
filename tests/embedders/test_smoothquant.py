"""SmoothQuant before the int8 export: the model's output is unchanged, the outliers are gone.

A tiny MLP shaped like Gemma's (down_proj(act(gate_proj(x)) * up_proj(x))) with one input channel
of down_proj made to carry values far larger than the rest, as Gemma's do."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.embedders.onnx_export import calibration_texts, has_vnni, smooth_mlps

torch = pytest.importorskip("torch")  # installed with the models extra, which the test command installs


class GemmaLikeMLP(torch.nn.Module):  # type: ignore[misc]
    def __init__(self, hidden: int = 8, ffn: int = 16) -> None:
        super().__init__()
        self.gate_proj = torch.nn.Linear(hidden, ffn, bias=False)
        self.up_proj = torch.nn.Linear(hidden, ffn, bias=False)
        self.down_proj = torch.nn.Linear(ffn, hidden, bias=False)
        with torch.no_grad():
            self.up_proj.weight[3] *= 200.0  # channel 3 of down_proj's input: the outlier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(torch.nn.functional.gelu(self.gate_proj(x)) * self.up_proj(x))


def _down_inputs(mlp: GemmaLikeMLP, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return torch.nn.functional.gelu(mlp.gate_proj(x)) * mlp.up_proj(x)


def test_smoothing_leaves_the_output_unchanged_and_evens_the_channels() -> None:
    torch.manual_seed(0)
    mlps = [GemmaLikeMLP(), GemmaLikeMLP()]
    x = torch.randn(32, 8)
    before = [m(x).detach().clone() for m in mlps]
    channels_before = _down_inputs(mlps[0], x).abs().amax(dim=0)

    spread = smooth_mlps(mlps, lambda: [m(x) for m in mlps])

    for mlp, out in zip(mlps, before, strict=True):
        assert torch.allclose(mlp(x), out, rtol=1e-4, atol=1e-5)
    channels_after = _down_inputs(mlps[0], x).abs().amax(dim=0)
    ratio = lambda c: float(c.max() / c.median())  # noqa: E731
    assert spread[0] == pytest.approx(ratio(channels_before), rel=1e-4)
    assert ratio(channels_before) > 50  # the outlier stood out...
    assert ratio(channels_after) < ratio(channels_before) / 5  # ...and no longer does
    assert not mlps[0].down_proj._forward_pre_hooks  # no hook is left behind


def test_a_run_that_never_reaches_a_layer_is_an_error() -> None:
    from rag.errors import ModelSetupError

    with pytest.raises(ModelSetupError, match="RAG_EMBEDDER=sentence-transformers"):
        smooth_mlps([GemmaLikeMLP()], lambda: None)


def test_the_calibration_texts_are_packaged_in_both_languages() -> None:
    from rag.text.language import detect_language

    texts = calibration_texts()
    assert len(texts) >= 10
    assert {detect_language(t) for t in texts} >= {"nl", "en"}


def test_vnni_is_read_from_the_cpu_flags(tmp_path: Path) -> None:
    with_vnni = tmp_path / "vnni"
    with_vnni.write_text("flags\t\t: fpu sse avx2 avx512f avx512_vnni\n", encoding="utf-8")
    without = tmp_path / "avx2"
    without.write_text("flags\t\t: fpu sse avx2\n", encoding="utf-8")
    assert has_vnni(with_vnni)
    assert not has_vnni(without)
    assert not has_vnni(tmp_path / "missing")  # unknown: the safe 7-bit weights
