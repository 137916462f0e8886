"""The prompt for one question: the best evidence sentences of its hits (evidence first), or,
with evidence sentences switched off, the top k chunks trimmed to the question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rag.answering.evidence import EvidenceSentence, rank_evidence
from rag.answering.evidence_prompt import plan_evidence_prompt
from rag.answering.prompt import plan_prompt
from rag.answering.sentence_vectors import SentenceVectors
from rag.answering.types import PromptPlan
from rag.config import Settings
from rag.generators.base import Generator
from rag.index.lexical import LexicalIndex
from rag.types import Hit


@dataclass(frozen=True)
class Planner:
    """What planning needs besides the question: the settings, the lexical index (for the
    question's terms and the analyser) and the sentence vectors."""

    settings: Settings
    lexical: LexicalIndex
    vectors: SentenceVectors

    def plan(
        self,
        question: str,
        hits: Sequence[Hit],
        lang: str,
        k: int,
        gen: Generator,
        original: str | None,
        write_language: str | None = None,
    ) -> PromptPlan:
        """The prompt: the best evidence sentences, or the top k chunks trimmed; the model is
        asked to write in `write_language` (default: the question's, `lang`)."""
        settings = self.settings
        terms = set(self.lexical.analyse_query(question, lang))
        ranked = self.evidence(question, lang, hits, terms) if settings.evidence_sentences else []
        if ranked:
            return plan_evidence_prompt(
                question,
                ranked,
                language=write_language or lang,
                count_tokens=gen.count_tokens,
                context_size=gen.context_size,
                max_answer_tokens=settings.max_answer_tokens,
                max_sentences=settings.evidence_sentences,
                max_evidence_tokens=settings.max_evidence_tokens,
                original_question=original,
            )
        return plan_prompt(
            question,
            hits,
            language=write_language or lang,
            count_tokens=gen.count_tokens,
            context_size=gen.context_size,
            max_answer_tokens=settings.max_answer_tokens,
            top_k=k,
            max_passage_tokens=settings.max_passage_tokens,
            original_question=original,
            analyser=self.lexical.analyser,
            question_terms=terms,
        )

    def evidence(
        self, question: str, lang: str, hits: Sequence[Hit], terms: set[str] | None = None
    ) -> list[EvidenceSentence]:
        """The sentences of the hits, ranked as evidence for the question."""
        return rank_evidence(
            question,
            lang,
            hits,
            embed_sentences=self.vectors.embed,
            embed_query=self.vectors.query,
            analyser=self.lexical.analyser,
            question_terms=terms if terms is not None else set(self.lexical.analyse_query(question, lang)),
            term_weight=self.lexical.idf,
        )
