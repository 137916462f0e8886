"""answer(): retrieve -> prompt -> generate -> validate -> Answer.

`Assistant` holds what is expensive to load (index, embedder, generator) and answers many
questions; the module-level `answer()` / `answer_stream()` keep one Assistant per Settings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator as Gen
from collections.abc import Iterator, Sequence
from datetime import datetime

from rag.citations import check_sentences, render_answer
from rag.condense import condense
from rag.config import Settings
from rag.draft import Draft, bounded_history, wrong_language
from rag.embedders import create_embedder
from rag.embedders.base import Embedder
from rag.errors import QuestionError
from rag.generators import create_generator
from rag.generators.base import GenerationRequest, Generator, Message
from rag.index.store import CorpusIndex, load_index
from rag.language import answer_language
from rag.output import ModelOutput, StreamingView, parse_output
from rag.prompting import (
    LANGUAGE_NAMES,
    SYSTEM_PROMPT,
    PromptPlan,
    answer_schema,
    plan_prompt,
)
from rag.quotes import choose_quotes, with_quotes
from rag.refusal import count_mismatch, retrieval_says_unanswerable
from rag.retrieval import Retriever
from rag.sentence_vectors import SentenceVectors
from rag.translate import translate_sentences
from rag.types import (
    Answer,
    Chunk,
    Document,
    Frozen,
    StreamDelta,
    StreamDone,
    StreamEvent,
    StreamStatus,
    Turn,
)
from rag.untranslated import fix_untranslated, foreign_words


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
        self._chunks = {c.id: c for c in index.chunks}
        self._documents = {d.id: d for d in index.documents}
        self._positions = {c.id: i for i, c in enumerate(index.chunks)}
        self.sentence_vectors = SentenceVectors(embedder)

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
        generator_keys = {"generator", "llm_model", "llm_threads", "n_ctx", "ollama_host", "ollama_model"}
        changed = any(getattr(settings, k) != getattr(self.settings, k) for k in generator_keys)
        generator = create_generator(settings, embedder=self.embedder) if changed else self.generator
        return Assistant(settings, index=self.index, embedder=self.embedder, generator=generator)

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
        return self._documents[doc_id]

    def chunk(self, chunk_id: str) -> Chunk:
        return self._chunks[chunk_id]

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
        """Yield status notes, answer text as it is generated, then the validated Answer."""
        question = self._check_question(question)
        turns = bounded_history(history, self.settings.max_history_turns)
        gen = generator or self.generator
        lang = self._language(question, turns, language)
        started = time.perf_counter()
        yield StreamStatus(message="retrieving")
        standalone = condense(question, turns, gen, lang) if turns else question
        hits = self.retriever.search(standalone, k=(top_k or self.settings.top_k) + 3)
        retrieved = time.perf_counter()
        base = Draft(question, standalone, lang, hits, gen, started, retrieved)
        if retrieval_says_unanswerable(hits, self.settings.refusal_threshold):
            yield StreamDone(answer=base.refusal("no passage is close enough to the question"))
            return
        plan = plan_prompt(
            standalone,
            hits,
            language=lang,
            count_tokens=gen.count_tokens,
            context_size=gen.context_size,
            max_answer_tokens=self.settings.max_answer_tokens,
            top_k=top_k or self.settings.top_k,
            max_passage_tokens=self.settings.max_passage_tokens,
            original_question=question if turns else None,
            terms_of=self._terms,
            question_terms=set(self.retriever.lexical.analyse_query(standalone, lang)),
        )
        yield StreamStatus(message="generating")
        output = yield from self._generate(gen, plan, base)
        if wrong_language(output, lang):
            # Small models drift into the passages' language: translate what they wrote.
            yield StreamStatus(message=f"translating the answer into {LANGUAGE_NAMES[lang]}")
            translated = translate_sentences(output.sentences, LANGUAGE_NAMES[lang], gen, lang)
            if translated is not None:
                output = output.model_copy(update={"sentences": translated})
        if self.settings.fix_untranslated and output.answerable:
            output = yield from self._fix_untranslated(output, plan, base)
        yield StreamDone(answer=self._finish(output, plan, base))

    # -- steps -------------------------------------------------------------------------------

    def _terms(self, text: str, language: str) -> set[str]:
        return set(self.retriever.lexical.analyser(language)(text))

    def _check_question(self, question: str) -> str:
        text = " ".join(question.split())
        if not text:
            raise QuestionError("the question is empty; type a question about the documents")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise QuestionError(
                f"the question is {len(text)} characters long; the limit is {limit} "
                "(shorten it, or raise RAG_MAX_QUESTION_CHARS)"
            )
        return text

    def _language(self, question: str, history: Sequence[Turn], override: str | None) -> str:
        chosen = override or self.settings.answer_language
        if chosen != "auto":
            return chosen
        previous = next((t.content for t in reversed(history) if t.role == "user"), None)
        default = answer_language(previous) if previous else "nl"
        return answer_language(question, default)

    def _generate(
        self, gen: Generator, plan: PromptPlan, draft: Draft
    ) -> Gen[StreamEvent, None, ModelOutput]:
        request = GenerationRequest(
            task="answer",
            messages=plan.messages,
            schema=answer_schema(len(plan.passages)),
            max_tokens=self.settings.max_answer_tokens,
            temperature=self.settings.temperature,
            question=draft.standalone,
            language=draft.language,
            passages=tuple(p.passage for p in plan.passages),
        )
        view = StreamingView()
        pieces: list[str] = []
        for piece in gen.stream(request):
            pieces.append(piece)
            delta = view.feed(piece)
            if delta:
                if draft.first_token is None:  # the first words a person can read
                    draft.first_token = time.perf_counter()
                yield StreamDelta(text=delta)
        draft.completion = "".join(pieces)
        output = parse_output(draft.completion)
        return output

    def _fix_untranslated(
        self, output: ModelOutput, plan: PromptPlan, draft: Draft
    ) -> Gen[StreamEvent, None, ModelOutput]:
        foreign = " ".join(p.passage.text for p in plan.passages if p.chunk.language != draft.language)
        if not foreign:
            return output
        found = [foreign_words(s.text, draft.language, foreign, draft.standalone) for s in output.sentences]
        if any(found):
            yield StreamStatus(message="translating words left in the sources' language")
            fixed = fix_untranslated(
                output.sentences, found, draft.language, foreign, draft.standalone, draft.gen
            )
            output = output.model_copy(update={"sentences": fixed})
        return output

    def _finish(self, output: ModelOutput, plan: PromptPlan, draft: Draft) -> Answer:
        draft.plan = plan
        if not output.answerable:
            said = " ".join(s.text for s in output.sentences).strip()
            return draft.refusal(
                f"the model found no answer in the passages: {said}"
                if said
                else "the model found no answer in the passages"
            )
        checked = check_sentences(
            output.sentences,
            plan.passages,
            question=draft.standalone,
            language=draft.language,
            threshold=self.settings.support_threshold,
            similarity=self.sentence_vectors.similarity,
            terms_of=self._terms,
        )
        if not checked.sentences:
            return draft.refusal(
                "no sentence of the generated answer is supported by the passages", checked.dropped
            )
        kept = [s.text for s in checked.sentences]
        mismatch = count_mismatch(draft.standalone, kept, draft.language, self._terms)
        if mismatch is not None:
            return draft.refusal(mismatch, kept)
        sentences, citations = checked.sentences, checked.citations
        if self.settings.quote_sources:
            quotes = choose_quotes(
                draft.standalone,
                draft.language,
                plan.passages,
                " ".join(s.text for s in sentences),
                embed_sentences=self.sentence_vectors.embed,
                embed_query=self.sentence_vectors.query,
                terms_of=self._terms,
            )
            sentences, citations = with_quotes(sentences, citations, quotes, plan.passages, draft.language)
        return draft.answer(
            text=render_answer(sentences),
            sentences=sentences,
            citations=citations,
            dropped_sentences=checked.dropped,
        )


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
    """Like answer(), but yields StreamStatus / StreamDelta events before the final StreamDone."""
    return _assistant(settings).stream(question, history)
