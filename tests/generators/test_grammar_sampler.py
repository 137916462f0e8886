"""PrefilteredGrammar's own logic, with llama.cpp's real token arrays (ctypes) and a stand-in
for the grammar: only the best candidates are judged, the allowed ones keep their logits and
every other token is ruled out; when no candidate is allowed the grammar judges every token.
The real grammar with the real model: tests/e2e/test_llama_real.py."""

from __future__ import annotations

import ctypes
from typing import Any

import llama_cpp
import numpy as np
import pytest

from rag.generators.grammar_sampler import PrefilteredGrammar


class FakeGrammarLib:
    """llama_cpp with a grammar that allows only `allowed` token ids; records what it judged."""

    def __init__(self, allowed: set[int]) -> None:
        self.allowed = allowed
        self.judged: list[int] = []  # array sizes the grammar was applied to
        self.accepted: list[int] = []
        self.freed = False
        for name in ("llama_token_data", "llama_token_data_array", "llama_sampler_i", "llama_sampler"):
            setattr(self, name, getattr(llama_cpp, name))
        for name in dir(llama_cpp):
            if name.startswith("llama_sampler_i_"):
                setattr(self, name, getattr(llama_cpp, name))

    def llama_sampler_init_grammar(self, vocab: Any, grammar: bytes, root: bytes) -> int:
        return 1  # a non-null handle

    def llama_sampler_apply(self, sampler: Any, cur_p: Any) -> None:
        array = cur_p._obj if hasattr(cur_p, "_obj") else cur_p.contents
        self.judged.append(int(array.size))
        for i in range(int(array.size)):
            if array.data[i].id not in self.allowed:
                array.data[i].logit = -np.inf

    def llama_sampler_accept(self, sampler: Any, token: int) -> None:
        self.accepted.append(token)

    def llama_sampler_reset(self, sampler: Any) -> None:
        pass

    def llama_sampler_free(self, sampler: Any) -> None:
        self.freed = True


def _candidates(logits: list[float]) -> tuple[Any, Any]:
    data = (llama_cpp.llama_token_data * len(logits))()
    for i, logit in enumerate(logits):
        data[i].id, data[i].logit, data[i].p = i, logit, 0.0
    array = llama_cpp.llama_token_data_array(
        data=ctypes.cast(data, ctypes.POINTER(llama_cpp.llama_token_data)),
        size=len(logits),
        selected=-1,
        sorted=False,
    )
    return data, array


def _logits(data: Any, n: int) -> list[float]:
    return [data[i].logit for i in range(n)]


def test_only_the_best_candidates_are_judged_and_the_allowed_keep_their_logits() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=1000).astype(np.float32).tolist()
    best = sorted(range(1000), key=lambda i: -logits[i])[:8]
    lib = FakeGrammarLib(allowed={best[2], best[5], 999})  # 999: allowed but not among the best
    sampler = PrefilteredGrammar(lib, vocab=None, grammar="root ::= x", root="root", candidates=8)
    data, array = _candidates(logits)
    sampler._apply(ctypes.pointer(array))
    assert lib.judged == [8]  # the grammar saw 8 tokens, not 1000
    after = _logits(data, 1000)
    assert {i for i, v in enumerate(after) if np.isfinite(v)} == {best[2], best[5]}
    assert after[best[2]] == pytest.approx(logits[best[2]]) and after[best[5]] == pytest.approx(
        logits[best[5]]
    )
    assert sampler.full_checks == 0


def test_when_no_best_candidate_is_allowed_the_grammar_judges_every_token() -> None:
    logits = [float(i) for i in range(100)]  # token 99 is the best
    lib = FakeGrammarLib(allowed={3})
    sampler = PrefilteredGrammar(lib, vocab=None, grammar="root ::= x", root="root", candidates=4)
    data, array = _candidates(logits)
    sampler._apply(ctypes.pointer(array))
    assert lib.judged == [4, 100]
    after = _logits(data, 100)
    assert [i for i, v in enumerate(after) if np.isfinite(v)] == [3] and after[3] == 3.0
    assert sampler.full_checks == 1


def test_accept_and_close_reach_the_grammar() -> None:
    lib = FakeGrammarLib(allowed=set())
    sampler = PrefilteredGrammar(lib, vocab=None, grammar="root ::= x", root="root")
    sampler._callbacks[1](None, 42)  # what the chain calls once a token is chosen
    assert lib.accepted == [42]
    sampler.close()
    assert lib.freed
