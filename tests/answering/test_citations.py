"""Citation validation: range checks, repair, trimming of weak citations, number checks, spans."""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.citations import (
    check_sentences,
    checkable_facts,
    claimed_terms,
    lexical_support,
    span_citation,
    spelled_date,
    unbacked_facts,
)
from rag.answering.output import RawSentence
from rag.answering.prompt import PlannedPassage
from rag.generators.base import Passage
from rag.text import TextAnalyser
from rag.types import Chunk

ANALYSER = TextAnalyser()


TEXTS = [
    "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren. Dat zei RAND.",
    "De NAVO besloot in Wales tot de oprichting van de VJTF. Dat was in 2014.",
    "Het weer in Brussel was grijs en nat.",
]


def planned(n: int, text: str, offset: int = 1000) -> PlannedPassage:
    chunk = Chunk(
        id=f"d{n}:0000", doc_id=f"d{n}", doc_title=f"T{n}", ordinal=0,
        start=offset, end=offset + len(text), text=text, n_tokens=len(text.split()),
    )  # fmt: skip
    return PlannedPassage(
        Passage(n=n, chunk_id=chunk.id, title=chunk.doc_title, text=text), chunk, ((chunk.start, chunk.end),)
    )


PASSAGES = [planned(i + 1, t) for i, t in enumerate(TEXTS)]


def check(sentences: list[RawSentence], sim: object = None, question: str = "vraag") -> object:
    return check_sentences(
        sentences,
        PASSAGES,
        question=question,
        language="nl",
        threshold=0.5,
        similarity=sim,
        analyser=ANALYSER,
    )  # type: ignore[arg-type]


def test_supported_sentence_keeps_its_citation_and_quotes_the_exact_sentence() -> None:
    out = check(
        [RawSentence(text="Rusland heeft maximaal vijf dagen nodig voor de Baltische staten.", sources=[1])]
    )
    assert [s.sources for s in out.sentences] == [(1,)]  # type: ignore[attr-defined]
    (cite,) = out.citations  # type: ignore[attr-defined]
    assert cite.quote == "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren."
    assert TEXTS[0][cite.start - 1000 : cite.end - 1000] == cite.quote


def test_out_of_range_and_wrong_citations_are_repaired() -> None:
    out = check([RawSentence(text="De NAVO besloot in Wales tot de VJTF.", sources=[7, 3])])
    assert [s.sources for s in out.sentences] == [(2,)]  # type: ignore[attr-defined]


def test_a_citation_moves_to_the_passage_that_clearly_says_it() -> None:
    # Copied word for word from [1], cited as [2], which shares a few words with it.
    copied = "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren."
    passages = [
        *PASSAGES[:1],
        planned(2, "Rusland wil de Baltische staten niet veroveren, zei RAND."),
        *PASSAGES[2:],
    ]
    out = check_sentences(
        [RawSentence(text=copied, sources=[2])],
        passages, question="vraag", language="nl", threshold=0.5, analyser=ANALYSER,
    )  # fmt: skip
    assert [s.sources for s in out.sentences] == [(1,)]
    (cite,) = out.citations
    assert cite.quote == copied


def test_a_cited_passage_about_as_good_as_the_best_is_kept() -> None:
    said = "De NAVO besloot in Wales tot de VJTF."
    out = check([RawSentence(text=said, sources=[2])])
    assert [s.sources for s in out.sentences] == [(2,)]  # type: ignore[attr-defined]


def test_weak_extra_citations_are_trimmed() -> None:
    sentence = "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren, zei RAND."
    out = check([RawSentence(text=sentence, sources=[1, 2, 3])])
    assert out.sentences[0].sources == (1,)  # type: ignore[attr-defined]


def test_unsupported_and_made_up_numbers_are_dropped() -> None:
    out = check(
        [
            RawSentence(text="De maan is van groene kaas gemaakt.", sources=[3]),
            RawSentence(text="De NAVO besloot in 2016 in Wales tot de VJTF.", sources=[2]),
        ]
    )
    assert out.sentences == ()  # type: ignore[attr-defined]
    assert len(out.dropped) == 2  # type: ignore[attr-defined]


def test_semantic_support_is_asked_only_when_words_do_not_match() -> None:
    asked: list[str] = []

    def sim(sentence: str, passages: Sequence[PlannedPassage]) -> list[float]:
        asked.append(sentence)
        return [0.9 if p.passage.n == 2 else 0.1 for p in passages]

    out = check(
        [
            RawSentence(text="The leaders agreed on a very fast spearhead force there.", sources=[2]),
            RawSentence(text="De NAVO besloot in Wales tot de oprichting van de VJTF.", sources=[2]),
        ],
        sim,
    )
    assert [s.sources for s in out.sentences] == [(2,), (2,)]  # type: ignore[attr-defined]
    assert asked == ["The leaders agreed on a very fast spearhead force there."]


def test_number_words_count_as_numbers() -> None:
    assert unbacked_facts("It takes 5 days.", checkable_facts("maximaal vijf dagen"), "") == set()
    assert unbacked_facts("It takes 6 days.", checkable_facts("maximaal vijf dagen"), "") == {"6"}


def test_a_weekday_or_month_no_source_names_is_dropped_like_a_wrong_number() -> None:
    said = "Borrell zei op dinsdag dat het Westen niet nucleair terugslaat."
    source = "Ook EU-buitenlandchef Borrell zei donderdag dat het Westen niet nucleair terugslaat."
    backed = checkable_facts(source)
    assert unbacked_facts(said, backed, "") == {"weekday:1"}
    assert unbacked_facts(said.replace("dinsdag", "donderdag"), backed, "") == set()
    assert unbacked_facts("Borrell spoke on Thursday.", backed, "") == set()  # either language
    assert unbacked_facts(said, backed, "Wat zei Borrell dinsdag?") == set()  # the user's own


def test_a_weekday_or_month_that_follows_from_the_passage_date_is_backed() -> None:
    dated = planned(1, "De Russische leider kondigde de komst van kernwapens naar Belarus aan.")
    dated = PlannedPassage(dated.passage.model_copy(update={"date": "2023-03-25"}), dated.chunk, dated.spans)

    def check_day(day: str) -> object:
        said = f"Op {day} kondigde de Russische leider kernwapens voor Belarus aan."
        return check_sentences(
            [RawSentence(text=said, sources=[1])],
            [dated], question="Wanneer?", language="nl", threshold=0.5, analyser=ANALYSER,
        )  # fmt: skip

    assert len(check_day("zaterdag").sentences) == 1  # type: ignore[attr-defined]  # 25 March 2023
    wrong = check_day("dinsdag")
    assert wrong.sentences == () and len(wrong.dropped) == 1  # type: ignore[attr-defined]


def test_a_footnote_mark_backs_no_number() -> None:
    notes = planned(1, "53 J.E. Noll e.a., 'De Baltische staten', Militaire Spectator 186 (2017) 169-182.")
    notes = PlannedPassage(notes.passage, notes.chunk.model_copy(update={"kind": "footnote"}), notes.spans)
    text = planned(2, "Rusland overweegt de inzet van kernwapens serieus.43 Dat zei Noll in 2017.")

    def kept(said: str, passage: PlannedPassage) -> bool:
        out = check_sentences(
            [RawSentence(text=said, sources=[1])],
            [passage], question="Hoeveel?", language="nl", threshold=0.5, analyser=ANALYSER,
        )  # fmt: skip
        return bool(out.sentences)  # type: ignore[attr-defined]

    assert not kept("Noll e.a. schreven over 53 Baltische staten in de Militaire Spectator.", notes)
    assert kept("Noll e.a. schreven in 2017 over de Baltische staten in de Militaire Spectator.", notes)
    assert not kept("Rusland overweegt de inzet van 43 kernwapens serieus.", text)
    assert kept("Noll zei in 2017 dat Rusland de inzet van kernwapens serieus overweegt.", text)
    assert kept(
        "Noll zei in 2017 dat Rusland de inzet van kernwapens serieus overweegt.43", text
    )  # copied mark


def test_lexical_support_uses_stems_and_ignores_stopwords() -> None:
    assert lexical_support("De kernwapens worden geplaatst", "kernwapen plaatsen", "nl") == 1.0
    assert lexical_support("appeltaart", "kernwapen plaatsen", "nl") == 0.0


def test_a_run_of_sentences_from_one_source_is_marked_once() -> None:
    from rag.answering.citations import render_answer
    from rag.types import AnswerSentence

    text = render_answer(
        [
            AnswerSentence(text="A.", sources=(1,)),
            AnswerSentence(text="B.", sources=(1,)),
            AnswerSentence(text="C.", sources=(2,)),
        ]
    )
    assert text == "A. B. [1] C. [2]"


def test_a_name_the_question_assumes_but_no_passage_has_is_not_repeated() -> None:
    from rag.answering.citations import premise_names

    question = "Hoe reageerde NAVO-secretaris-generaal Mark Rutte op de RAND-studie?"

    # NAVO and RAND occur in the passages; Mark Rutte does not.
    assert premise_names(question, PASSAGES, ANALYSER) == ["Mark Rutte"]
    out = check(
        [RawSentence(text="Mark Rutte zei dat Rusland vijf dagen nodig heeft.", sources=[1])],
        question=question,
    )
    assert out.sentences == () and out.dropped  # type: ignore[attr-defined]


def test_names_that_passages_do_have_are_fine() -> None:
    question = "Hoeveel dagen heeft Rusland nodig volgens RAND?"
    out = check(
        [RawSentence(text="Rusland heeft maximaal vijf dagen nodig, zei RAND.", sources=[1])],
        question=question,
    )
    assert [s.sources for s in out.sentences] == [(1,)]  # type: ignore[attr-defined]


def test_the_passage_date_supports_a_sentence_about_when_it_was_written() -> None:
    assert spelled_date("2022-10-14") == "14 oktober October 2022"
    assert spelled_date("2023-03") == "maart March 2023"
    assert spelled_date("onbekend") == "onbekend"
    dated = planned(1, "Ollongren wil Poetin laten raden, zei ze na het beraad.")
    dated = PlannedPassage(dated.passage.model_copy(update={"date": "2022-10-14"}), dated.chunk, dated.spans)
    sentence = "Het bericht is van 14 oktober 2022."
    out = check_sentences(
        [RawSentence(text=sentence, sources=[1])], [dated], question="Van welke datum is het bericht?",
        language="nl", threshold=0.5, analyser=ANALYSER,
    )  # fmt: skip
    assert [s.text for s in out.sentences] == [sentence]


def _paged_passage() -> PlannedPassage:
    """A chunk at document offset 1000 running over pages 4 and 5 (page 5 from 'Dat'), under the
    heading 'Baltische staten' (at 900, before the chunk) and then 'Bronnen' (at 1080)."""
    text = TEXTS[0]  # "Rusland ... veroveren. Dat zei RAND."
    page_break = 1000 + text.index("Dat zei")
    chunk = Chunk(
        id="d1:0000", doc_id="d1", doc_title="Rapport", ordinal=0, start=1000, end=1000 + len(text),
        text=text, n_tokens=len(text.split()), pages=(4, 5),
        page_runs=((1000, page_break, 4), (page_break, 1000 + len(text), 5)),
        headings=((900, 1, "Baltische staten"), (page_break, 2, "Bronnen")),
    )  # fmt: skip
    return PlannedPassage(
        Passage(n=1, chunk_id=chunk.id, title="Rapport", text=text), chunk, ((1000, chunk.end),)
    )


def test_a_citation_names_the_pages_and_section_of_its_span() -> None:
    planned_ = _paged_passage()
    first_sentence_end = planned_.chunk.start + TEXTS[0].index(" Dat zei")
    on_page_4 = span_citation(1, planned_, 1000, first_sentence_end, 0.9)
    assert on_page_4.pages == (4,) and on_page_4.section == "Baltische staten"
    assert on_page_4.location == "p. 4 · Baltische staten"
    across = span_citation(1, planned_, 1000, planned_.chunk.end, 0.9)
    assert across.pages == (4, 5) and across.location.startswith("p. 4–5")
    on_page_5 = span_citation(1, planned_, first_sentence_end + 1, planned_.chunk.end, 0.9)
    assert on_page_5.pages == (5,) and on_page_5.section == "Bronnen"


def test_a_chunk_from_an_older_index_cites_its_own_pages() -> None:
    chunk = _paged_passage().chunk.model_copy(update={"page_runs": (), "headings": ()})
    old = PlannedPassage(Passage(n=1, chunk_id=chunk.id, title="Rapport", text=chunk.text), chunk, ())
    cite = span_citation(1, old, 1000, 1010, 0.5)
    assert cite.pages == (4, 5) and cite.section is None


def test_unpaged_documents_have_no_location() -> None:
    cite = span_citation(1, PASSAGES[2], 1000, 1010, 0.5)
    assert cite.pages == () and cite.section is None and cite.location == ""


def test_a_supported_sentence_that_only_says_the_question_back_is_dropped() -> None:
    question = "Waarom besloot de NAVO in Wales tot de oprichting van de VJTF?"
    echo = "De NAVO besloot in Wales tot de oprichting van de VJTF."
    answer = "De NAVO besloot in 2014 in Wales tot de oprichting van de VJTF."
    out = check(
        [RawSentence(text=echo, sources=[2]), RawSentence(text=answer, sources=[2])], question=question
    )
    assert [s.text for s in out.sentences] == [answer]  # type: ignore[attr-defined]
    assert out.dropped == (echo,)  # type: ignore[attr-defined]


def test_a_number_copied_with_another_unit_is_dropped() -> None:
    passages = [planned(1, "Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren.")]

    def run(text: str) -> object:
        return check_sentences(
            [RawSentence(text=text, sources=[1])], passages, question="Hoe lang?", language="nl",
            threshold=0.5, analyser=ANALYSER,
        )  # fmt: skip

    assert run("Rusland heeft maximaal vijf dagen nodig om de Baltische staten te veroveren.").sentences  # type: ignore[attr-defined]
    wrong = run("Rusland heeft maximaal vijf weken nodig om de Baltische staten te veroveren.")
    assert wrong.sentences == () and len(wrong.dropped) == 1  # type: ignore[attr-defined]


def _kept_en(said: str, passage: PlannedPassage, question: str) -> bool:
    out = check_sentences(
        [RawSentence(text=said, sources=[1])],
        [passage], question=question, language="en", threshold=0.5, analyser=ANALYSER,
    )  # fmt: skip
    return bool(out.sentences)  # type: ignore[attr-defined]


HCSS_QUESTION = (
    "Which 2016 publication do the authors cite as evidence that even experts still misunderstand the idea?"
)
HCSS_PASSAGE = (
    "Dat zelfs specialisten nog altijd verward zijn over de betekenis blijkt uit de HCSS Strategic "
    "Monitor 2016 en het artikel van Visser en Duyvensteyn."
)


def test_an_english_answer_is_checked_on_what_it_adds_to_the_question() -> None:
    # The words taken from the question are not in the Dutch passage; the claim is.
    said = (
        "The authors cite the HCSS Strategic Monitor 2016 and the article by Visser and Duyvensteyn "
        "as evidence that even experts still misunderstand the idea."
    )
    assert _kept_en(said, planned(1, HCSS_PASSAGE), HCSS_QUESTION)
    # Without the question to subtract, the same sentence has too few words in the passage.
    assert not _kept_en(said, planned(1, HCSS_PASSAGE), "Which publication?")


def test_a_claim_the_passage_does_not_hold_is_still_dropped() -> None:
    said = (
        "The authors cite the RAND Corporation report by Shlapak and Johnson "
        "as evidence that even experts still misunderstand the idea."
    )
    assert not _kept_en(said, planned(1, HCSS_PASSAGE), HCSS_QUESTION)


def test_too_small_or_numeric_claims_are_not_checked_on_their_own() -> None:
    passage = planned(1, "Rusland had in 2014 circa 3.500 gevechtsvliegtuigen; Canada leidt in Letland.")
    question = "How many combat aircraft did Russia have in 2014 according to the table in the article?"
    # Adds one number (and a word): a number that stands in the passage proves no claim alone.
    assert not _kept_en(
        "According to the table in the article, Russia had 3.500 combat aircraft in 2014.", passage, question
    )
    asked = "Which country leads the group in Estonia?"
    assert claimed_terms("Canada leads it.", asked, "en", ANALYSER) == []
    claims = claimed_terms(
        "The HCSS Strategic Monitor 2016 says so.", "Which 2016 publication says so?", "en", ANALYSER
    )
    assert claims and all("2016" not in claim and "hcss" in claim for claim in claims)
