"""A JSON-schema grammar that checks the likely tokens first, for llama-cpp-python.

llama-cpp-python puts llama.cpp's grammar sampler in its chain as is, and that sampler checks
every token of the vocabulary (151,936 for Qwen2.5) against the grammar at every step: with
the answer's JSON schema that cost a quarter to a third of the generation speed (BENCHMARKS.md,
"Time to first words against raw llama.cpp"). llama.cpp's own tools avoid it the same way as
here: the grammar is asked about the best candidates only, and about the whole vocabulary only
when none of those is allowed.

`PrefilteredGrammar` is one sampler of the chain, where the grammar sampler would be. Given the
candidates, it takes the CANDIDATES with the highest logits and lets the grammar judge just
them; the allowed ones keep their logits and every other token gets -inf. If none is allowed
(rare: a token the grammar requires that the model does not expect), the grammar judges every
token, exactly as before. What the model can say is unchanged; a token outside the best
CANDIDATES is only lost when an allowed one ranks above it, and the samplers after this one
(top-k 40, min-p, temperature 0.1) would have all but never picked it.
"""

from __future__ import annotations

import ctypes
import functools
import importlib
from typing import Any

import numpy as np

CANDIDATES = 64
_TOKEN_DATA = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


def _view(address: int, count: int) -> np.ndarray:
    """A writable numpy view of `count` llama_token_data at `address`."""
    buffer = (ctypes.c_char * (count * _TOKEN_DATA.itemsize)).from_address(address)
    return np.frombuffer(memoryview(buffer), dtype=_TOKEN_DATA, count=count)


class PrefilteredGrammar:
    """A llama.cpp sampler (see the module docstring) wrapping a grammar sampler it owns."""

    def __init__(
        self, llama_cpp: Any, vocab: Any, grammar: str, root: str, candidates: int = CANDIDATES
    ) -> None:
        self._lib = llama_cpp
        self._candidates = candidates
        encoded = grammar.encode("utf-8"), root.encode("utf-8")
        self._grammar = llama_cpp.llama_sampler_init_grammar(vocab, *encoded)
        if not self._grammar:
            raise ValueError("llama.cpp could not parse the grammar")
        self.full_checks = 0  # steps where no best candidate was allowed (for tests and curiosity)
        self.steps = 0
        self._small = (llama_cpp.llama_token_data * candidates)()
        self._small_array = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._small, ctypes.POINTER(llama_cpp.llama_token_data)),
            size=0,
            selected=-1,
            sorted=False,
        )

        # The callbacks must stay referenced as long as llama.cpp may call them.
        def apply(_: Any, cur_p: Any) -> None:
            self._apply(cur_p)

        def accept(_: Any, token: int) -> None:
            llama_cpp.llama_sampler_accept(self._grammar, token)

        def reset(_: Any) -> None:
            llama_cpp.llama_sampler_reset(self._grammar)

        self._callbacks = (
            llama_cpp.llama_sampler_i_apply(apply),
            llama_cpp.llama_sampler_i_accept(accept),
            llama_cpp.llama_sampler_i_reset(reset),
        )
        iface = llama_cpp.llama_sampler_i()
        iface.name = llama_cpp.llama_sampler_i_name(0)
        iface.apply, iface.accept, iface.reset = self._callbacks
        iface.clone = llama_cpp.llama_sampler_i_clone(0)
        iface.free = llama_cpp.llama_sampler_i_free(0)  # the chain must not free it: see close()
        self._iface = iface
        self.sampler = llama_cpp.llama_sampler()
        self.sampler.iface = ctypes.pointer(iface)
        self.sampler.ctx = None

    def pointer(self) -> Any:
        return ctypes.pointer(self.sampler)

    def _apply(self, cur_p: Any) -> None:
        self.steps += 1
        array = cur_p.contents
        size = int(array.size)
        tokens = _view(ctypes.addressof(array.data.contents), size)
        k = min(self._candidates, size)
        best = np.argpartition(tokens["logit"], size - k)[size - k :] if size > k else np.arange(size)
        small = _view(ctypes.addressof(self._small), k)
        small[:] = tokens[best]
        self._small_array.size = k
        self._small_array.selected = -1
        self._small_array.sorted = False
        self._lib.llama_sampler_apply(self._grammar, ctypes.byref(self._small_array))
        allowed = np.isfinite(small["logit"])
        if not allowed.any():
            self.full_checks += 1
            self._lib.llama_sampler_apply(self._grammar, cur_p)
            return
        # The grammar sampler keeps the array's order and size (it only sets -inf), so small[i]
        # is still the token at tokens[best[i]].
        kept = tokens["logit"][best[allowed]].copy()
        logits = tokens["logit"]
        logits[:] = -np.inf
        logits[best[allowed]] = kept
        array.sorted = False
        array.selected = -1

    def close(self) -> None:
        if self._grammar:
            self._lib.llama_sampler_free(self._grammar)
            self._grammar = None


def _usable(llama: Any, grammar: Any) -> bool:
    """The private parts of llama-cpp-python (0.3.36) that prefiltered_llama relies on."""
    return (
        hasattr(getattr(llama, "_model", None), "vocab")
        and isinstance(getattr(grammar, "_grammar", None), str)
        and isinstance(getattr(grammar, "_root", None), str)
    )


@functools.cache
def prefiltered_llama(llama_cpp: Any) -> type:
    """A `llama_cpp.Llama` whose sampler chain puts PrefilteredGrammar where llama-cpp-python
    would put the plain grammar sampler (first: before the repeat penalty, which only lowers
    the logits of repeated tokens). With another llama-cpp-python whose private parts differ,
    it falls back on that version's own grammar sampler."""
    internals: Any = importlib.import_module("llama_cpp._internals")

    class PrefilteredLlama(llama_cpp.Llama):  # type: ignore[misc]
        last_grammar: PrefilteredGrammar | None = None

        def _init_sampler(self, *args: Any, grammar: Any = None, **kwargs: Any) -> Any:
            if grammar is None or not _usable(self, grammar):
                return super()._init_sampler(*args, grammar=grammar, **kwargs)
            chain = super()._init_sampler(*args, grammar=None, **kwargs)
            fresh = internals.LlamaSampler()
            if not (hasattr(fresh, "custom_samplers") and hasattr(fresh, "_exit_stack")):
                chain.close()
                fresh.close()
                return super()._init_sampler(*args, grammar=grammar, **kwargs)
            ours = PrefilteredGrammar(llama_cpp, self._model.vocab, grammar._grammar, grammar._root)
            llama_cpp.llama_sampler_chain_add(fresh.sampler, ours.pointer())
            # llama-cpp-python takes its custom samplers out of the chain before freeing it
            # (llama.cpp would `delete` them); ours is one, and it frees its grammar after.
            fresh.custom_samplers.append((0, ours))
            fresh._exit_stack.callback(ours.close)
            while llama_cpp.llama_sampler_chain_n(chain.sampler) > 0:
                moved = llama_cpp.llama_sampler_chain_remove(chain.sampler, 0)
                llama_cpp.llama_sampler_chain_add(fresh.sampler, moved)
            chain.close()
            self.last_grammar = ours
            return fresh

    return PrefilteredLlama
