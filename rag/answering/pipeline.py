"""answer(): retrieve -> prompt -> generate -> validate -> Answer.

`Assistant` holds what is expensive to load (index, embedder, generator) and answers many
questions; the module-level `answer()` / `answer_stream()` keep one Assistant per Settings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from rag.answering.ahead import fits_beside
from rag.answering.compose import Composer
from rag.answering.condense import condense, heuristic_standalone
from rag.answering.draft import Draft, bounded_history, wrong_language_sentence
from rag.answering.evidence import EvidenceSentence
from rag.answering.generate import generate
from rag.answering.pivot import translate_answer, writing_language
from rag.answering.planner import Planner
from rag.answering.premise import DocumentTermIndex
from rag.answering.prompt import SYSTEM_PROMPT
from rag.answering.refusal import other_language_text, reason_text, retrieval_says_unanswerable
from rag.answering.repair import repair_language
from rag.answering.sentence_vectors import SentenceVectors
from rag.answering.types import RawSentence
from rag.config import Settings
from rag.embedders import create_embedder
from rag.embedders.base import Embedder
from rag.generators import create_generator, generator_settings_changed
from rag.generators.base import Generator, Message
from rag.index.persist import live_generation
from rag.index.store import CorpusIndex, load_index
from rag.retrieval import Retriever
from rag.retrieval.question import check_question
from rag.text.language import answer_language, foreign_language
from rag.types import (
    Answer,
    AnswerSentence,
    Document,
    Frozen,
    Hit,
    StreamDone,
    StreamEvent,
    StreamStatus,
    Turn,
)


class AssistantInfo(Frozen):
    generator: str
    model: str
    embed_model: str
    n_documents: int
    n_chunks: int
    index_created_at: datetime | None = None


class Assistant:
    def __init__(
        self, settings: Settings, *, index: CorpusIndex, embedder: Embedder, generator: Generator
    ) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self.generator = generator
        self.retriever = Retriever.from_index(index, embedder, settings)
        # The one text analyser, shared with the lexical index (same variant table).
        self.analyser = self.retriever.lexical.analyser
        self.sentence_vectors = SentenceVectors(embedder)
        self.planner = Planner(settings, self.retriever.lexical, self.sentence_vectors)
        # The model writes on while a sentence is checked, when both fit on the cores at once.
        self.generate_ahead = fits_beside(settings.llm_threads, settings.embed_threads)
        self.composer = Composer(
            self.analyser,
            self.sentence_vectors,
            support_threshold=settings.support_threshold,
            quote_sources=settings.quote_sources,
            translate_quotes=settings.translate_quotes,
            answer_from_sources=settings.answer_from_sources,
            document_terms=DocumentTermIndex(index.documents, self.analyser),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        embedder = create_embedder(settings)
        index = load_index(settings, embedder)
        return cls(
            settings, index=index, embedder=embedder, generator=create_generator(settings, embedder=embedder)
        )

    def with_settings(self, **overrides: object) -> Assistant:
        """Same index and embedder; another generator, passage count or language."""
        settings = self.settings.model_copy(update=overrides)
        changed = generator_settings_changed(self.settings, settings)
        generator = create_generator(settings, embedder=self.embedder) if changed else self.generator
        return Assistant(settings, index=self.index, embedder=self.embedder, generator=generator)

    def reloaded(self) -> Assistant | None:
        """An Assistant on the saved index if another save replaced the one this Assistant
        loaded (e.g. `rag ingest --watch` indexed a change), keeping the loaded models; None when
        it is the same. Costs one small file read when nothing changed."""
        loaded = self.index.generation
        if loaded is None or live_generation(self.settings.index_dir) in (None, loaded):
            return None
        return self.on_saved_index()

    def on_saved_index(self) -> Assistant:
        """An Assistant on the index saved now (e.g. just rebuilt), keeping the loaded models."""
        index = load_index(self.settings, self.embedder)
        return Assistant(self.settings, index=index, embedder=self.embedder, generator=self.generator)

    def warm_up(self) -> None:
        """Load both models now and put the fixed system prompt in the LLM's KV cache, so the
        first question pays only for its own tokens."""
        warm = getattr(self.generator, "warmup", None)
        if callable(warm):
            warm((Message(role="system", content=SYSTEM_PROMPT),))
        self.embedder.embed_query("warm-up")

    @property
    def documents(self) -> Sequence[Document]:
        return self.index.documents

    def document(self, doc_id: str) -> Document:
        found = self.index.get_document(doc_id)
        if found is None:
            raise KeyError(doc_id)
        return found

    def rank_evidence(self, answer: Answer) -> list[EvidenceSentence]:
        """The sentences of an answer's hits, ranked as evidence for its question (the eval's
        evidence-sentence recall@k measures this ranking without the LLM)."""
        return self.planner.evidence(answer.standalone_question, answer.language, answer.hits)

    def info(self) -> AssistantInfo:
        return AssistantInfo(
            generator=self.generator.name,
            model=self.generator.model,
            embed_model=self.embedder.name,
            n_documents=len(self.index.documents),
            n_chunks=len(self.index.chunks),
            index_created_at=self.index.manifest.created_at,
        )

    def answer(self, question: str, history: Sequence[Turn] | None = None, **options: object) -> Answer:
        for event in self.stream(question, history, **options):  # type: ignore[arg-type]
            if isinstance(event, StreamDone):
                return event.answer
        raise AssertionError("stream ended without an answer")  # pragma: no cover

    def stream(
        self,
        question: str,
        history: Sequence[Turn | dict[str, str]] | None = None,
        *,
        top_k: int | None = None,
        language: str | None = None,
        generator: Generator | None = None,
    ) -> Iterator[StreamEvent]:
        """Yield status notes, the answer's sentences as each passes its check, then the final
        Answer (which continues or replaces the streamed text; see StreamDelta)."""
        question = check_question(question, self.settings.max_question_chars)
        turns = bounded_history(history, self.settings.max_history_turns)
        gen = generator or self.generator
        notice = self._other_language(question, language, gen)
        if notice is not None:
            yield StreamDone(answer=notice)
            return
        lang = self._language(question, turns, language)
        k = top_k or self.settings.top_k
        started = time.perf_counter()
        yield StreamStatus(message="retrieving")
        standalone, condensing = condense(question, turns, gen, lang, self.analyser)
        # A follow-up is also searched as worded in the conversation (the turn before it, then
        # it): the small model's rewrite sometimes loses what the follow-up refers to.
        context = heuristic_standalone(question, turns) if condensing else None
        hits = self.retriever.search(standalone, k=k + 3, context_query=context)
        draft = Draft(question, standalone, lang, tuple(hits), gen, started, time.perf_counter())
        draft = draft.with_side_calls(condensing)
        if retrieval_says_unanswerable(hits, self.settings.refusal_threshold):
            yield StreamDone(answer=draft.refusal("no_passage"))
            return
        write = self._writing_language(hits[:k], lang)
        plan = self.planner.plan(standalone, hits, lang, k, gen, question if turns else None, write)
        yield StreamStatus(message="generating")
        draft = replace(draft, plan=plan, write_language=write if write != lang else None)
        generation = yield from generate(
            gen,
            plan,
            question=standalone,
            language=write,
            max_tokens=self.settings.max_answer_tokens,
            temperature=self.settings.temperature,
            # Sentences in the sources' language are held back for the translation (see below).
            check=partial(self._checked_sentences, draft=draft),
            ahead=self.generate_ahead,
        )
        draft = replace(
            draft,
            completion=generation.completion,
            first_shown=generation.first_shown,
            first_token=generation.first_token,
        )
        output, draft = yield from repair_language(
            generation.output, draft, fix_words=self.settings.fix_untranslated
        )
        composed = self.composer.compose(output, draft)
        final = yield from translate_answer(composed, draft, self.composer.faithful)
        yield StreamDone(answer=final)

    # -- steps -------------------------------------------------------------------------------

    def _checked_sentences(self, raw: Sequence[RawSentence], draft: Draft) -> tuple[AnswerSentence, ...]:
        """The model's sentences that pass the final answer's check, as they are streamed.

        A sentence clearly in another language than the answer's is held back too: the final
        answer translates it (wrong_language, or pivot.py when the model was asked to write in
        the sources' language), and a reader should not see it swapped."""
        checked = self.composer.check(raw, draft).sentences
        return tuple(s for s in checked if not wrong_language_sentence(s.text, draft.language))

    def _writing_language(self, hits: Sequence[Hit], language: str) -> str:
        if not self.settings.write_in_source_language:
            return language
        return writing_language([h.chunk.language for h in hits], language)

    def _other_language(self, question: str, override: str | None, gen: Generator) -> Answer | None:
        """A notice instead of an answer for a question clearly in a third language (German,
        Chinese...), unless the user chose the answer language: then it is answered anyway."""
        chosen = override if override not in (None, "auto") else self.settings.answer_language
        name = foreign_language(question) if chosen == "auto" else None
        if name is None:
            return None
        now = time.perf_counter()
        return Draft(question, question, "en", (), gen, now, now).answer(
            text=other_language_text(name),
            refused=True,
            refusal_reason=f"{reason_text('other_language', 'en')}: {name}",
        )

    def _language(self, question: str, history: Sequence[Turn], override: str | None) -> str:
        chosen = override or self.settings.answer_language
        if chosen != "auto":
            return chosen
        previous = next((t.content for t in reversed(history) if t.role == "user"), None)
        default = answer_language(previous) if previous else "nl"
        return answer_language(question, default)


_assistants: dict[str, Assistant] = {}
_lock = threading.Lock()


def _assistant(settings: Settings | None) -> Assistant:
    settings = settings or Settings()
    key = settings.model_dump_json()
    with _lock:
        if key not in _assistants:
            _assistants[key] = Assistant.from_settings(settings)
        return _assistants[key]


def answer(
    question: str, history: Sequence[Turn] | None = None, *, settings: Settings | None = None
) -> Answer:
    """Answer `question` from the indexed documents, with validated inline citations."""
    return _assistant(settings).answer(question, history)


def answer_stream(
    question: str, history: Sequence[Turn] | None = None, *, settings: Settings | None = None
) -> Iterator[StreamEvent]:
    """Like answer(), but yields StreamStatus / StreamDelta events before the final StreamDone.

    A StreamDelta holds only sentences that have passed the support check; the model's raw
    output is never streamed (its timing is in Answer.timings.model_first_token_s)."""
    return _assistant(settings).stream(question, history)
