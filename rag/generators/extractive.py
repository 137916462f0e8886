"""ExtractiveGenerator: answers without a language model, with the best-supported sentences.

For task "answer" it splits the passages into sentences, scores each against the question and
emits the best one to three verbatim, each citing the passage it came from, as JSON:
{"answerable": bool, "sentences": [{"text": str, "sources": [int]}]}. The sentences stay in the
documents' language. Used when no model is available and as a baseline in the eval.

Score = lexical coverage of the question (IDF-weighted over the candidate sentences, so words
that occur everywhere, like "de" or "the", count for little) and, when an embedder is given, the
mean of that and the sentence's embedding cosine with the question.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from rag.corpus.sentences import split_sentences as sentence_spans
from rag.embedders.base import Embedder
from rag.errors import GenerationError
from rag.generators.base import GenerationRequest, Passage, estimate_tokens
from rag.text import content_terms

_KEY_CHARS = 6  # truncating stems to 6 characters joins Dutch inflections/compound heads
_MIN_WORDS = 4  # shorter "sentences" are headings, captions or credits ("Beeld AP")
_PIECE_CHARS = 24
_MAX_SOURCES = 3  # the answer schema allows at most 3 sources per sentence


@dataclass(frozen=True)
class _Candidate:
    text: str
    passage: int  # passage number n
    order: int  # position among all candidates, for stable ties
    keys: frozenset[str]


def term_keys(text: str, language: str) -> frozenset[str]:
    """The text's content terms (rag.text), cut to their first characters."""
    return frozenset(t if t.isdigit() else t[:_KEY_CHARS] for t in content_terms(text, language))


def echo_question(request: GenerationRequest) -> str:
    """The question unchanged: as {"question": ...} when a schema asks for JSON, else as is."""
    if request.schema_ is not None:
        return json.dumps({"question": request.question}, ensure_ascii=False)
    return request.question


def split_sentences(text: str, language: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentence_spans(text, language) if text[a:b].strip()]


class ExtractiveGenerator:
    """No LLM: picks verbatim sentences. `min_score` below which it says answerable=false."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        min_score: float = 0.3,
        max_sentences: int = 3,
        context_size: int = 8192,
    ) -> None:
        self._embedder = embedder
        self._min_score = min_score
        self._max_sentences = max_sentences
        self._context_size = context_size

    @property
    def name(self) -> str:
        return "extractive"

    @property
    def model(self) -> str:
        return "lexical" if self._embedder is None else f"lexical+{self._embedder.name}"

    @property
    def context_size(self) -> int:
        return self._context_size

    def count_tokens(self, text: str) -> int:
        """No tokenizer: an estimate (there is no model context to fill)."""
        return estimate_tokens(text)

    def stream(self, request: GenerationRequest) -> Iterator[str]:
        if request.task == "condense":
            # No model to rewrite with: echoing the question makes the pipeline use its heuristic.
            yield echo_question(request)
            return
        if request.task != "answer":
            raise GenerationError(
                f"the extractive generator cannot do task {request.task!r}; "
                "use RAG_GENERATOR=llama-cpp or ollama for it"
            )
        answer = self.answer(request.question, request.passages, request.language)
        text = json.dumps(answer, ensure_ascii=False)
        for start in range(0, len(text), _PIECE_CHARS):
            yield text[start : start + _PIECE_CHARS]

    def answer(self, question: str, passages: Sequence[Passage], language: str = "nl") -> dict[str, object]:
        """The answer object: best sentences with their passage numbers, or answerable=false."""
        candidates = _candidates(passages, language)
        if not candidates or not question.strip():
            return {"answerable": False, "sentences": []}
        scores = self._scores(question, candidates, language)
        picked = _pick(candidates, scores, self._min_score, self._max_sentences)
        sentences = [{"text": c.text, "sources": sources} for c, sources in picked]
        return {"answerable": bool(sentences), "sentences": sentences}

    def _scores(self, question: str, candidates: list[_Candidate], language: str) -> list[float]:
        lexical = _lexical_scores(term_keys(question, language), candidates)
        if self._embedder is None:
            return lexical
        query = self._embedder.embed_query(question)
        docs = self._embedder.embed_documents([c.text for c in candidates])
        cosine = np.clip(docs @ query, 0.0, 1.0)
        return [(lex + float(cos)) / 2 for lex, cos in zip(lexical, cosine, strict=True)]


def _candidates(passages: Sequence[Passage], language: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for passage in passages:
        for sentence in split_sentences(passage.text, language):
            if len(sentence.split()) >= _MIN_WORDS:
                found.append(_Candidate(sentence, passage.n, len(found), term_keys(sentence, language)))
    return found


def _lexical_scores(query: frozenset[str], candidates: list[_Candidate]) -> list[float]:
    """Share of the question's IDF weight that each sentence covers (0..1)."""
    df = Counter(key for c in candidates for key in c.keys)
    n = len(candidates)
    idf = {key: math.log(1 + (n - df[key] + 0.5) / (df[key] + 0.5)) for key in query}
    total = sum(idf.values())
    if total == 0:
        return [0.0] * n
    return [sum(idf[key] for key in query & c.keys) / total for c in candidates]


def _pick(
    candidates: list[_Candidate], scores: list[float], min_score: float, limit: int
) -> list[tuple[_Candidate, list[int]]]:
    """Best sentence, then up to limit-1 more close to it, other passages first; merges duplicates."""
    ranked = sorted(zip(candidates, scores, strict=True), key=lambda cs: (-cs[1], cs[0].order))
    if not ranked or ranked[0][1] < min_score:
        return []
    floor = max(min_score, 0.6 * ranked[0][1])
    picked: list[tuple[_Candidate, list[int]]] = [(ranked[0][0], [ranked[0][0].passage])]
    for other_passages_only in (True, False):
        for cand, score in ranked[1:]:
            if len(picked) >= limit or score < floor:
                break
            if _merge_duplicate(picked, cand):
                continue
            if other_passages_only and any(cand.passage in sources for _, sources in picked):
                continue
            if all(c is not cand for c, _ in picked):
                picked.append((cand, [cand.passage]))
    return picked


def _merge_duplicate(picked: list[tuple[_Candidate, list[int]]], cand: _Candidate) -> bool:
    """Overlapping chunks repeat sentences: cite every passage that holds one instead of repeating it."""
    for kept, sources in picked:
        if kept is cand:
            return True
        union = kept.keys | cand.keys
        if union and len(kept.keys & cand.keys) / len(union) >= 0.8:
            if cand.passage not in sources and len(sources) < _MAX_SOURCES:
                sources.append(cand.passage)
            return True
    return False
