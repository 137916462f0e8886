"""The prompt for one question: the best evidence sentences of its hits (evidence first), or,
with evidence sentences switched off, the top k chunks trimmed to the question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering.evidence import EvidenceSentence, rank_evidence
from rag.answering.evidence_prompt import plan_evidence_prompt
from rag.answering.passage_translation import PassageTranslator
from rag.answering.prompt import TEMPLATE_OVERHEAD, plan_prompt, prompt_messages
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
    translator: PassageTranslator | None = None  # passages into the answer's language, if set

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
        plan = self._plan(question, hits, lang, k, gen, original, write_language)
        if self.translator is None:
            return plan
        return self._translated(plan, self.translator, question, write_language or lang, gen, original)

    def _translated(
        self,
        plan: PromptPlan,
        translator: PassageTranslator,
        question: str,
        language: str,
        gen: Generator,
        original: str | None,
    ) -> PromptPlan:
        """The plan with its passages in `language` where a usable translation was had; the
        untranslated plan when the translations would not fit the context."""
        passages, calls = translator.translate(plan.passages, language, gen)
        if not calls and all(p.translated_from is None for p in passages):
            return plan
        messages = prompt_messages(question, language, [p.passage for p in passages], original)
        tokens = sum(gen.count_tokens(m.content) + TEMPLATE_OVERHEAD for m in messages)
        if tokens > gen.context_size - self.settings.max_answer_tokens:
            return replace(plan, side_calls=calls)
        return replace(
            plan, messages=messages, passages=tuple(passages), prompt_tokens=tokens, side_calls=calls
        )

    def _plan(
        self,
        question: str,
        hits: Sequence[Hit],
        lang: str,
        k: int,
        gen: Generator,
        original: str | None,
        write_language: str | None,
    ) -> PromptPlan:
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
        )
