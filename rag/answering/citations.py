"""Validate the model's citations against the passages it was given, score how well each cited
passage supports its sentence, repair or drop what does not hold, and build Citation objects
that point at the exact supporting span of the document."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rag.answering.cut_quotes import complete_cut_quote
from rag.answering.echo import restates_question
from rag.answering.injection import evidence_text
from rag.answering.premise import DocumentTerms, mentions, premise_names, spelled_date
from rag.answering.types import Checked, PlannedPassage, RawSentence
from rag.corpus import pages_in, section_at, split_sentences
from rag.text import TextAnalyser, content_terms, spelled_numbers
from rag.text.dates import calendar_words, date_calendar
from rag.text.normalise import without_footnote_marks
from rag.text.units import mismatched_units
from rag.types import AnswerSentence, Citation

# (sentence, passages) -> cosine similarity of the sentence with each passage (cross-lingual).
Similarity = Callable[[str, Sequence[PlannedPassage]], list[float]]

# Cosine of an answer sentence (query prompt) with a passage sentence (document prompt), on
# EmbeddingGemma's scale: faithful translations measured 0.60-0.75, made-up claims about the
# same topic 0.45-0.50.
SIM_LOW, SIM_HIGH = 0.50, 0.65
# A sentence keeps at most MAX_SOURCES citations, each within CITE_MARGIN of its best one.
MAX_SOURCES, CITE_MARGIN = 2, 0.15
# Fewest words a sentence must add to its question for that addition to be checked on its own.
MIN_CLAIMED = 3


def lexical_support(sentence: str, passage: str, language: str) -> float:
    """Share of the sentence's content terms found in the passage (stemmed, both languages)."""
    said = content_terms(sentence, language)
    if not said:
        return 0.0
    have = content_terms(passage, "nl") | content_terms(passage, "en")
    return len(said & have) / len(said)


def checkable_facts(text: str) -> set[str]:
    """What a sentence can get wrong in one word: its numbers, weekdays and months."""
    return spelled_numbers(text) | calendar_words(text)


def unbacked_facts(sentence: str, backed: set[str], question: str) -> set[str]:
    """Numbers, weekdays and months in the sentence that neither `backed` (the facts of its
    sources) nor the question holds. A footnote mark copied with its words ("gebruikt.43")
    asserts nothing, as in the passage."""
    return checkable_facts(without_footnote_marks(sentence)) - backed - checkable_facts(question)


def _passage_facts(planned: PlannedPassage) -> set[str]:
    """The passage's numbers, weekdays and months, with the month and weekday of its date.
    Footnote marks count nothing, so they back no number ("bezat 53 kernwapens" read from the
    note "53 J.E. Noll e.a., ...")."""
    text = without_footnote_marks(planned.passage.text, footnotes=planned.chunk.kind == "footnote")
    return checkable_facts(f"{planned.label()} {text}") | date_calendar(planned.passage.date)


def _lexical_scores(
    sentence: str, passages: Sequence[PlannedPassage], lang: str, analyser: TextAnalyser, question: str,
) -> list[float]:  # fmt: skip
    """Per passage, the larger share of the sentence's words it holds, in either view of the
    analyser: plain stems (with the passage's date spelled out), or index terms, whose variant
    table lets 'NATO' meet 'NAVO', so an English sentence is checked word by word against a
    Dutch passage."""
    texts = [evidence_text(p) for p in passages]  # an instruction planted in a passage is no evidence
    scores = [
        lexical_support(sentence, f"{text} {spelled_date(p.passage.date)}", lang)
        for text, p in zip(texts, passages, strict=True)
    ]
    views = [said for said in (analyser.terms(sentence, "nl"), analyser.terms(sentence, "en")) if said]
    claims = claimed_terms(sentence, question, lang, analyser)
    for i, p in enumerate(passages):
        have = analyser.terms(texts[i], p.chunk.language)
        found = [len(said & have) / len(said) for said in views]
        if claims:  # the passage's plain stems are only needed to check a claim
            held = have | content_terms(texts[i], "nl") | content_terms(texts[i], "en")
            found += [len(claim & held) / len(claim) for claim in claims]
        scores[i] = max([scores[i], *found])
    return scores


def claimed_terms(sentence: str, question: str, lang: str, analyser: TextAnalyser) -> list[set[str]]:
    """What the sentence adds to the question: its terms that the question does not hold, per
    view (plain stems; index terms with their variants), where the question supplied some of
    the sentence and at least MIN_CLAIMED words are left. An answer repeats the question and adds
    its claim; in an English answer over a Dutch passage the repeated words rarely occur in the
    passage ("... as proof that even specialists are confused"), while the claim (names,
    titles, terms) does. Numbers are left out: they are checked on their own (_cover_numbers),
    and one number alone ("3.500") is too little to show that a passage says the claim. The
    question's own names are checked by premise_names."""
    views = [
        (content_terms(sentence, lang), content_terms(question, lang)),
        (analyser.terms(sentence, lang), analyser.terms(question, lang)),
    ]
    claims = []
    for said, asked in views:
        claim = {term for term in said - asked if not term.lstrip("~").isdigit()}
        if len(claim) >= MIN_CLAIMED and len(claim) < len(said):
            claims.append(claim)
    return claims


def _add_semantic(
    scores: list[float], numbers_: Sequence[int], sentence: str, passages: Sequence[PlannedPassage],
    sim: Similarity,
) -> None:  # fmt: skip
    """Raise the scores of passages `numbers_` with cross-lingual (embedding) support."""
    todo = [n for n in numbers_ if 1 <= n <= len(passages)]
    if not todo:
        return
    cosines = sim(sentence, [passages[n - 1] for n in todo])
    for n, c in zip(todo, cosines, strict=True):
        scores[n - 1] = max(scores[n - 1], min(1.0, max(0.0, (c - SIM_LOW) / (SIM_HIGH - SIM_LOW))))


def _choose_sources(cited: list[int], scores: list[float], threshold: float) -> tuple[int, ...]:
    """Keep valid cited passages that support the sentence; else the best supporting passage.
    When a passage the model did not cite supports the sentence clearly better (by more than
    CITE_MARGIN) than every cited one, the citation moves to it: small models cite a passage on
    the same topic beside the one that says it (a sentence copied word for word from [2], cited
    as [3], which shares only the names)."""
    valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(scores)]
    good = [n for n in valid if scores[n - 1] >= threshold]
    best = max(range(len(scores)), key=lambda i: scores[i], default=-1)
    if good:
        best_cited = max(scores[n - 1] for n in good)
        if scores[best] > best_cited + CITE_MARGIN:
            return (best + 1,)
        # Small models cite every passage on the topic; keep those about as strong as the best.
        return tuple(n for n in good if scores[n - 1] >= best_cited - CITE_MARGIN)[:MAX_SOURCES]
    return (best + 1,) if best >= 0 and scores[best] >= threshold else ()


def _support(
    sentence: str, cited: list[int], passages: Sequence[PlannedPassage], lang: str, threshold: float,
    sim: Similarity | None, analyser: TextAnalyser, question: str,
) -> tuple[tuple[int, ...], list[float]]:  # fmt: skip
    """Sources that support the sentence, and every passage's score.

    Lexical overlap decides when it can (same language). The embedding check, which costs an
    encoder call, runs only for cited passages that fail it (a translation), and for all
    passages when none of the cited ones holds up (a wrong citation to repair).
    """
    scores = _lexical_scores(sentence, passages, lang, analyser, question)
    valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(scores)]
    if sim is not None:
        _add_semantic(scores, [n for n in valid if scores[n - 1] < threshold], sentence, passages, sim)
    sources = _choose_sources(cited, scores, threshold)
    if not sources and sim is not None:
        rest = [n for n in range(1, len(passages) + 1) if n not in valid]
        _add_semantic(scores, rest, sentence, passages, sim)
        sources = _choose_sources(cited, scores, threshold)
    return sources, scores


def _cover_numbers(
    sentence: str, sources: tuple[int, ...], scores: list[float], facts: Sequence[set[str]],
    question: str, threshold: float,
) -> tuple[int, ...] | None:  # fmt: skip
    """Sources extended so that every number, weekday and month of the sentence is backed;
    None if impossible. `facts`: each passage's _passage_facts."""
    missing = unbacked_facts(sentence, set().union(*(facts[n - 1] for n in sources)), question)
    extra: list[int] = []
    for n in sorted(range(1, len(facts) + 1), key=lambda n: -scores[n - 1]):
        if not missing or len(sources) + len(extra) >= MAX_SOURCES + 1:
            break
        found = facts[n - 1] & missing
        if n not in sources and found and scores[n - 1] >= threshold:
            extra.append(n)
            missing -= found
    return None if missing else (*sources, *extra)


def _quote_span(sentence: str, planned: PlannedPassage, lang: str) -> tuple[int, int]:
    """The sentence of the passage that best matches the answer sentence, in document offsets."""
    start, end, _ = max(planned.sentences(), key=lambda s: lexical_support(sentence, s[2], lang))
    return start, end


def check_sentences(
    raw: Sequence[RawSentence],
    passages: Sequence[PlannedPassage],
    *,
    question: str,
    language: str,
    threshold: float,
    analyser: TextAnalyser,
    similarity: Similarity | None = None,
    document_terms: DocumentTerms | None = None,
) -> Checked:
    kept: list[AnswerSentence] = []
    dropped: list[str] = []
    cites: dict[int, Citation] = {}
    absent = premise_names(question, passages, analyser, document_terms)
    every_passage = " ".join(p.labelled_text() for p in passages)
    facts = [_passage_facts(p) for p in passages]  # once, not once per sentence
    for item in raw:
        for text in _split(complete_cut_quote(item.text, item.sources, passages), language):
            if any(mentions(text, name) for name in absent):
                dropped.append(text)  # repeats a name the question assumes but no passage has
                continue
            if restates_question(text, question, language, analyser):
                dropped.append(text)  # the question said back: nothing to cite
                continue
            sources, scores = _support(
                text, item.sources, passages, language, threshold, similarity, analyser, question
            )
            backed = _cover_numbers(text, sources, scores, facts, question, threshold) if sources else None
            if not backed or mismatched_units(text, every_passage):
                dropped.append(text)  # unsupported, or a number copied with another unit
                continue
            sources = backed
            support = max(scores[n - 1] for n in sources)
            kept.append(AnswerSentence(text=text, sources=sources, support=round(support, 3)))
            for n in sources:
                if n not in cites or cites[n].support < scores[n - 1]:
                    cites[n] = _citation(n, text, passages[n - 1], scores[n - 1], language)
    return Checked(tuple(kept), tuple(cites[n] for n in sorted(cites)), tuple(dropped))


def _split(text: str, language: str) -> list[str]:
    """The model sometimes packs several sentences into one item: check each on its own."""
    flat = " ".join(text.split())
    return [flat[a:b] for a, b in split_sentences(flat, language)] or ([flat] if flat else [])


def _citation(n: int, sentence: str, planned: PlannedPassage, support: float, lang: str) -> Citation:
    start, end = _quote_span(sentence, planned, lang)
    return span_citation(n, planned, start, end, support)


def span_citation(n: int, planned: PlannedPassage, start: int, end: int, support: float) -> Citation:
    """Citation [n] of the passage, pointing at document[start:end], with the page(s) and the
    section that span is in (indexes from before page runs were recorded: the chunk's pages)."""
    chunk = planned.chunk
    return Citation(
        n=n,
        chunk_id=chunk.id,
        doc_id=chunk.doc_id,
        title=chunk.doc_title,
        date=chunk.doc_date,
        start=start,
        end=end,
        quote=chunk.text[start - chunk.start : end - chunk.start],
        support=round(support, 3),
        pages=pages_in(chunk.page_runs, start, end) or chunk.pages,
        section=section_at(chunk.headings, start),
    )


def render_answer(sentences: Sequence[AnswerSentence]) -> str:
    """Sentences with their markers; a run of sentences from the same sources is marked once,
    at its end ("A. B. [1]"), instead of "A. [1] B. [1]"."""
    parts: list[str] = []
    quoted = ("quote", "translation")
    for i, s in enumerate(sentences):
        following = sentences[i + 1] if i + 1 < len(sentences) else None
        same_as_next = (
            following is not None and following.sources == s.sources and following.flag not in quoted
        )
        marks = "" if same_as_next and s.flag not in quoted else "".join(f"[{n}]" for n in s.sources)
        # A quoted source sentence stands on its own line under the answer.
        gap = ("\n\n" if s.flag in quoted else " ") if parts else ""
        parts.append(gap + f"{s.text} {marks}".rstrip())
    return "".join(parts)
