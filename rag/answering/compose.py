"""From the model's output to the final Answer: check every sentence, refuse what is no answer,
add the source sentence that answers the question, and fall back on that sentence when the
model's own words did not hold up.

The fallback: a small model often finds the right passage and still writes a sentence the
checks must drop (a wrong count, a made-up detail, the question repeated as its answer). When
it said the question is answerable, and one sentence of the passages answers the question
closely enough (cosine >= FALLBACK_MIN_COSINE) and passes the same checks an answer must pass
(no name the question assumes but no passage has; a number, of the right thing, for how-many
questions), that sentence is the answer, quoted and cited, instead of "the documents don't
say". Sentences in another language than the question's are shown in machine translation,
labelled as such, with the citation pointing at the original words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering.citations import check_sentences, render_answer
from rag.answering.draft import Draft
from rag.answering.pivot import writing_language
from rag.answering.premise import DocumentTerms, premise_names
from rag.answering.quotes import choose_quotes, with_quotes
from rag.answering.refusal import count_mismatch, source_language_hint
from rag.answering.sentence_vectors import SentenceVectors
from rag.answering.translate import translate_quote
from rag.answering.types import Checked, ModelOutput, PlannedPassage, Quote, RawSentence
from rag.text import TextAnalyser
from rag.text.language import PROMPT_NAMES
from rag.types import Answer, AnswerSentence, SideCall

# Cosine (question as query, sentence as document) above which the best source sentence is
# trusted to answer the question on its own. Fitted on the own gold set (eval/gold.jsonl, the
# 45 questions of session 3): the refused unanswerable questions' best sentences reached at most
# 0.61, answerable ones that the model failed 0.42-0.74.
FALLBACK_MIN_COSINE = 0.62
# Cosine of a source sentence with its machine translation (both as documents) below which
# the translation is not shown (see Composer.faithful).
TRANSLATION_MIN_COSINE = 0.85
LEAD_IN = {
    "nl": "Het dichtst bij een antwoord komt deze passage uit de documenten:",
    "en": "The closest the documents come to an answer is this passage:",
}


@dataclass(frozen=True)
class Composer:
    """What composing needs besides the draft: the analyser, the sentence vectors, settings."""

    analyser: TextAnalyser
    vectors: SentenceVectors
    support_threshold: float
    quote_sources: bool = True
    translate_quotes: bool = False
    answer_from_sources: bool = True
    document_terms: DocumentTerms | None = None  # a name anywhere in a source document is no false premise

    def compose(self, output: ModelOutput, draft: Draft) -> Answer:
        assert draft.plan is not None
        passages = draft.plan.passages
        if not output.answerable:
            said = " ".join(s.text for s in output.sentences).strip()
            # What the model said is in the language it wrote in; shown only when that is the answer's.
            return draft.refusal("model_found_none", detail=said if draft.written == draft.language else "")
        checked = self.check(output.sentences, draft)
        kept = [s.text for s in checked.sentences]
        why = (
            "unsupported"
            if not kept
            else count_mismatch(draft.standalone, kept, draft.written, self.analyser)
        )
        if why is not None:
            dropped = checked.dropped if not kept else tuple(kept)
            draft, quotes = self._fallback(draft, passages)
            if not quotes:
                sources = writing_language([p.chunk.language for p in passages], draft.language)
                hint = source_language_hint(draft.language, sources)
                return draft.refusal(why, dropped, detail=hint)
            sentences, citations = with_quotes((), (), quotes, passages, draft.written)
            lead = AnswerSentence(text=LEAD_IN.get(draft.language, LEAD_IN["en"]), flag="uncited")
            return draft.answer(
                text=render_answer((lead, *sentences)),
                sentences=(lead, *sentences),
                citations=citations,
                dropped_sentences=dropped,
            )
        sentences, citations = checked.sentences, checked.citations
        # Quotes under an answer written in the sources' language would each cost a translation.
        if self.quote_sources and draft.written == draft.language:
            quotes, draft = self._quotes(draft, passages, " ".join(kept))
            sentences, citations = with_quotes(sentences, citations, quotes, passages, draft.written)
        return draft.answer(
            text=render_answer(sentences),
            sentences=sentences,
            citations=citations,
            dropped_sentences=checked.dropped,
        )

    def check(self, sentences: Sequence[RawSentence], draft: Draft) -> Checked:
        """The support and citation check of the model's sentences: the same for the sentences
        streamed one by one (rag/answering/checked.py) and for the final answer."""
        assert draft.plan is not None
        return check_sentences(
            sentences,
            draft.plan.passages,
            question=draft.standalone,
            language=draft.written,
            threshold=self.support_threshold,
            similarity=self.vectors.similarity,
            analyser=self.analyser,
            document_terms=self.document_terms,
        )

    def _quotes(
        self, draft: Draft, passages: Sequence[PlannedPassage], said: str, min_cosine: float = 0.0
    ) -> tuple[list[Quote], Draft]:
        """The quotes under an answer (at least `min_cosine` close to the question); sentences
        in another language are translated, and left out when their translation is not usable."""
        quotes = choose_quotes(
            draft.standalone,
            draft.written,
            passages,
            said,
            embed_sentences=self.vectors.embed,
            embed_query=self.vectors.query,
            analyser=self.analyser,
            any_language=self.translate_quotes,
        )
        shown: list[Quote] = []
        calls: list[SideCall] = []
        for quote in (q for q in quotes if q.cosine >= min_cosine):
            if passages[quote.n - 1].chunk.language == draft.written:
                shown.append(quote)
                continue
            name = PROMPT_NAMES.get(draft.language, draft.language)
            translation, call = translate_quote(quote.text, name, draft.gen, draft.language)
            calls.append(call)
            if translation is not None and self.faithful(quote.text, translation):
                shown.append(replace(quote, translation=translation))
        return shown, draft.with_side_calls(calls)

    def _fallback(self, draft: Draft, passages: Sequence[PlannedPassage]) -> tuple[Draft, list[Quote]]:
        """The best source sentence as the answer, if it answers the question on its own (else
        no quotes); the draft keeps the side calls made while looking, used or not."""
        if not self.answer_from_sources:
            return draft, []
        if premise_names(draft.standalone, passages, self.analyser, self.document_terms):
            return draft, []  # the question assumes a name no passage has: a refusal is right
        quotes, draft = self._quotes(draft, passages, "", FALLBACK_MIN_COSINE)
        texts = [q.translation or q.text for q in quotes]
        if not quotes or count_mismatch(draft.standalone, texts, draft.written, self.analyser):
            return draft, []
        return draft, quotes

    def faithful(self, original: str, translation: str) -> bool:
        """A translation that means what the original says: both embedded as documents, they
        are as close as faithful translations are. Measured with EmbeddingGemma on Dutch
        sentences and the model's English: faithful 0.88-0.89, a loose but right one 0.81, one
        that changed a count and a verb 0.81, one that made up another event 0.65."""
        vectors = self.vectors.embed([original, translation])
        return float(vectors[0] @ vectors[1]) >= TRANSLATION_MIN_COSINE
