"""Frozen pydantic types that flow between the stages: corpus -> chunks -> index -> hits -> answer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChunkKind = Literal["text", "footnote", "caption", "heading"]
Role = Literal["user", "assistant"]
PageRun = tuple[int, int, int]  # start, end (in Document.text), page number (1-based)
Heading = tuple[int, int, str]  # offset in Document.text, level (1 = top), text


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Segment(Frozen):
    """A run of `length` characters copied unchanged from raw[raw_start:] to text[start:]."""

    start: int
    raw_start: int
    length: int


class Document(Frozen):
    """A cleaned source file. `text` is what chunks and citations point into."""

    id: str  # stable: derived from the path relative to the corpus root
    path: str  # relative to the corpus root, posix separators
    title: str
    date: str | None = None  # "YYYY-MM" or "YYYY-MM-DD" as found in the source
    language: str = "nl"  # ISO 639-1
    content_hash: str  # sha256 of the raw file bytes
    text: str
    # Alignment of cleaned text to raw text: characters not covered were inserted by cleaning
    # (e.g. a space joining two lines). Lets gold quotes (raw) be mapped onto chunks (clean).
    segments: tuple[Segment, ...] = ()
    # Spans of `text` that are footnotes or captions, so the chunker keeps them apart.
    regions: tuple[tuple[int, int, ChunkKind], ...] = ()
    # Paged formats (PDF): (start, end, page) runs of `text`, page numbers from 1; see
    # rag.corpus.pages. Empty for formats without pages.
    pages: tuple[PageRun, ...] = ()
    # Formats that mark headings (Word, OpenDocument, HTML, EPUB): where each heading starts in
    # `text`, in text order; see rag.corpus.sections. Empty for formats without them.
    headings: tuple[Heading, ...] = ()


class Chunk(Frozen):
    """A passage of one document: document.text[start:end] == text."""

    id: str  # deterministic: f"{doc_id}:{ordinal:04d}"
    doc_id: str
    doc_title: str
    doc_date: str | None = None
    ordinal: int
    kind: ChunkKind = "text"
    start: int
    end: int
    text: str
    n_tokens: int
    language: str = "nl"
    pages: tuple[int, ...] = ()  # the document pages the chunk's text comes from (PDF), ascending
    # The document's page runs clipped to the chunk, so a span inside it knows its own pages.
    page_runs: tuple[PageRun, ...] = ()
    # The document heading in force where the chunk starts, and those inside it: a span inside
    # the chunk knows its section. Both empty in indexes built before they were recorded.
    headings: tuple[Heading, ...] = ()


class Hit(Frozen):
    """A retrieved chunk with the fused score and each leg's rank/score (None = leg missed it)."""

    chunk: Chunk
    score: float
    rank: int  # 1-based, after fusion
    dense_rank: int | None = None
    dense_score: float | None = None
    lexical_rank: int | None = None
    lexical_score: float | None = None


class Turn(Frozen):
    role: Role
    content: str


class Citation(Frozen):
    """Marker [n] in the answer text -> the passage it points at and the quoted span."""

    n: int
    chunk_id: str
    doc_id: str
    title: str
    date: str | None = None
    start: int  # offsets of the quoted span in the document's cleaned text
    end: int
    quote: str
    support: float = 0.0  # how well the cited passage supports the sentence(s), 0..1
    pages: tuple[int, ...] = ()  # the pages the quoted span is on (paged formats), ascending
    section: str | None = None  # the nearest heading before the span (formats with headings)

    @property
    def location(self) -> str:
        """Where the quoted span is, for people: "p. 4–5", "Methods", "p. 4 · Methods" or ""."""
        return " · ".join(x for x in (page_label(self.pages), self.section or "") if x)


def page_label(pages: Sequence[int]) -> str:
    """(4,) -> "p. 4"; (4, 5, 6) -> "p. 4–6"; (3, 4, 8) -> "p. 3–4, 8"; () -> ""."""
    ranges: list[list[int]] = []
    for page in sorted(set(pages)):
        if ranges and page == ranges[-1][1] + 1:
            ranges[-1][1] = page
        else:
            ranges.append([page, page])
    spans = [str(a) if a == b else f"{a}–{b}" for a, b in ranges]
    return f"p. {', '.join(spans)}" if spans else ""


class AnswerSentence(Frozen):
    text: str
    sources: tuple[int, ...] = ()  # citation numbers
    support: float = 0.0
    # quote: a verbatim source sentence; translation: a source sentence in machine translation
    flag: Literal["ok", "uncited", "unsupported", "quote", "translation"] = "ok"


class SideCall(Frozen):
    """One side question to the model (follow-up rewrite, translation, word fix, judgement)."""

    task: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    ok: bool = True  # False: the backend failed or the reply was unusable, and the step fell back


class Timings(Frozen):
    retrieve_s: float = 0.0
    # Until the first words a person reads: the first sentence that passed its check (or the
    # refusal, or the final answer when no streamed sentence passed), never a raw model token.
    first_token_s: float | None = None
    # Until the model's first piece of output arrived (not shown: it is not checked yet). The gap
    # to first_token_s is the time spent writing and checking the first sentence.
    model_first_token_s: float | None = None
    total_s: float = 0.0
    side_s: float = 0.0  # spent on side questions to the model (included in total_s)


class ShownSpan(Frozen):
    """A range of a document the model read in its prompt (one sentence of a passage)."""

    doc_id: str
    start: int
    end: int


class Answer(Frozen):
    question: str
    standalone_question: str  # the follow-up rewritten for retrieval (== question when none)
    text: str  # rendered with inline [n]
    language: str
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    refusal_reason: str | None = None
    hits: tuple[Hit, ...] = ()  # everything retrieved
    context_chunk_ids: tuple[str, ...] = ()  # the passages given to the model, in order [1], [2], ...
    left_out_chunk_ids: tuple[str, ...] = ()  # retrieved but did not fit the context budget
    # What of those passages the model read: the document ranges of their kept sentences (the
    # eval measures whether the gold evidence was among them; older reports have none).
    shown_spans: tuple[ShownSpan, ...] = ()
    dropped_sentences: tuple[str, ...] = ()  # removed by validation (unsupported / bad citation)
    prompt_tokens: int = 0  # of the answer call
    completion_tokens: int = 0  # of the answer call; side questions are counted in side_calls
    side_calls: tuple[SideCall, ...] = ()
    timings: Timings = Field(default_factory=Timings)
    backend: str = ""
    model: str = ""


class IndexManifest(Frozen):
    """What an index was built with; loading compares it with the current settings."""

    format_version: int = 1
    embed_model: str
    embed_fingerprint: str  # model checksum (or name for twins): a change means re-embedding
    dim: int
    chunker: dict[str, int | str]
    index_type: str  # the setting it was built with ("auto", "flat", ...)
    # What FAISS runs ("flat", "ivf-sq8", ...: see rag/index/choice.py); None in an index saved
    # before it was recorded, whose index_type was never "auto".
    vector_index: str | None = None
    documents: dict[str, str]  # doc_id -> content_hash
    n_chunks: int
    versions: dict[str, str]  # library versions
    created_at: datetime
    # The corpus folder it was built from (resolved); None in an index saved before it was kept.
    corpus_dir: str | None = None


class StreamDelta(Frozen):
    """Answer text that has passed its check, as it is generated (append `text` to what came
    before). The model's sentences are never streamed unchecked; the final StreamDone's Answer
    then either continues this text (quotes added under it) or replaces it (a translation, or a
    refusal when the answer as a whole did not hold up): replacing only ever removes or
    rewrites checked text, never shows unchecked words."""

    kind: Literal["delta"] = "delta"
    text: str


class StreamStatus(Frozen):
    """A progress note for the UI (e.g. 'retrieving', 'generating')."""

    kind: Literal["status"] = "status"
    message: str


class StreamDone(Frozen):
    kind: Literal["done"] = "done"
    answer: Answer


StreamEvent = StreamDelta | StreamStatus | StreamDone
