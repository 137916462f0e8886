"""Evidence first: the sentences of the retrieved chunks, ranked by how well each answers the
question.

Retrieval ranks chunks of ~160 tokens; the answer usually rests on one or two sentences inside
them. Each sentence of the best chunks is scored by the embedder (question as a query, sentence
as a document: this carries across Dutch and English) plus the share of the question's terms it
holds (names and numbers the embedder blurs). Chunks overlap, so a sentence seen twice is
scored once. The ranking is measured without the LLM by evidence-sentence recall@k
(eval/retrieval_metrics.py) and decides what the model is shown and what is quoted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.corpus import split_sentences
from rag.text import TextAnalyser
from rag.types import Chunk, Hit

# Weight of the share of the question's terms found in the sentence, added to the cosine. The
# share weighs each term by its idf when the caller knows it: 'NAVO' and 'Rusland', in most
# chunks, say less about a sentence than 'Vilnius' (own gold, evidence recall@5 .70 -> .72 with
# idf at 0.5; 0.3 -> 0.5 without idf gave nothing).
TERM_WEIGHT = 0.5
# Added as RANK_WEIGHT / rank of the sentence's chunk: the fused retrieval rank carries the
# whole chunk's context, which a single sentence lacks (own gold, recall@8 .78 -> .82).
RANK_WEIGHT = 0.2
MIN_WORDS = 4  # shorter pieces are headings, captions or credits


@dataclass(frozen=True)
class EvidenceSentence:
    chunk: Chunk  # the best-ranked chunk that holds it
    start: int  # document offsets
    end: int
    text: str
    cosine: float
    score: float

    @property
    def doc_id(self) -> str:
        return self.chunk.doc_id


# (sentences) -> their embeddings as rows (document prompt); (text) -> query embedding.
EmbedSentences = Callable[[list[str]], np.ndarray]
EmbedQuery = Callable[[str], np.ndarray]


def chunk_sentences(chunk: Chunk) -> list[tuple[int, int, str]]:
    """(document start, end, text) of every sentence of the chunk."""
    spans = split_sentences(chunk.text, chunk.language) or [(0, len(chunk.text))]
    return [(chunk.start + s, chunk.start + e, chunk.text[s:e]) for s, e in spans]


def candidates(hits: Sequence[Hit], max_chunks: int) -> list[tuple[Hit, int, int, str]]:
    """Sentences of the best `max_chunks` hits, each once (overlapping chunks repeat them)."""
    seen: set[tuple[str, int, int]] = set()
    found = []
    for hit in hits[:max_chunks]:
        for start, end, text in chunk_sentences(hit.chunk):
            key = (hit.chunk.doc_id, start, end)
            if key in seen or len(text.split()) < MIN_WORDS:
                continue
            seen.add(key)
            found.append((hit, start, end, text))
    return found


def rank_evidence(
    question: str,
    language: str,
    hits: Sequence[Hit],
    *,
    embed_sentences: EmbedSentences,
    embed_query: EmbedQuery,
    analyser: TextAnalyser,
    question_terms: set[str] | None = None,
    term_weight: Callable[[str], float] | None = None,
    max_chunks: int = 8,
) -> list[EvidenceSentence]:
    """The sentences of the best hits, best first. `term_weight`: a question term's weight in
    the share of terms (its idf); every term counts 1 without it."""
    found = candidates(hits, max_chunks)
    if not found:
        return []
    cosines = embed_sentences([text for _, _, _, text in found]) @ embed_query(question)
    asked = question_terms if question_terms is not None else analyser.terms(question, language)
    weight = {term: term_weight(term) if term_weight is not None else 1.0 for term in asked}
    total = sum(weight.values())
    ranked = []
    for (hit, start, end, text), cosine in zip(found, cosines, strict=True):
        held = analyser.terms(text, hit.chunk.language)
        share = sum(weight[term] for term in held & asked) / total if total else 0.0
        score = float(cosine) + TERM_WEIGHT * share + RANK_WEIGHT / hit.rank
        ranked.append(EvidenceSentence(hit.chunk, start, end, text, float(cosine), score))
    ranked.sort(key=lambda s: -s.score)
    return ranked
