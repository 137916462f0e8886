"""A sentence the JSON grammar cut at a passage's double quote is completed from that passage."""

from __future__ import annotations

from rag.answering.citations import check_sentences
from rag.answering.cut_quotes import complete_cut_quote
from rag.answering.output import RawSentence
from rag.text import TextAnalyser
from tests.answering.test_citations import planned

QUOTING = (
    "De NAVO houdt dat in het midden. Stoltenberg herhaalde na overleg met de ministers dat Rusland "
    '"ernstige consequenties" te wachten staan als het de "belangrijke grens" overschrijdt. '
    '"En dat weet Rusland."'
)
PASSAGES = [planned(1, "Het weer in Brussel was grijs en nat."), planned(2, QUOTING)]
CUT = "Stoltenberg herhaalde na overleg met de ministers dat Rusland "
WHOLE = (
    'Stoltenberg herhaalde na overleg met de ministers dat Rusland "ernstige consequenties" te '
    'wachten staan als het de "belangrijke grens" overschrijdt.'
)


def test_a_piece_cut_where_the_cited_passage_quotes_is_completed_to_its_sentence_end() -> None:
    assert complete_cut_quote(CUT, [2], PASSAGES) == WHOLE


def test_the_completed_sentence_is_what_the_check_keeps_and_cites() -> None:
    out = check_sentences(
        [RawSentence(text=CUT, sources=[2])], PASSAGES, question="Wat zei Stoltenberg?",
        language="nl", threshold=0.5, analyser=TextAnalyser(),
    )  # fmt: skip
    assert [s.text for s in out.sentences] == [WHOLE]
    assert [s.sources for s in out.sentences] == [(2,)]


def test_a_finished_sentence_is_left_alone_even_when_the_passage_goes_on_quoting() -> None:
    finished = "Stoltenberg herhaalde na overleg met de ministers dat Rusland iets wacht."
    assert complete_cut_quote(finished, [2], PASSAGES) == finished


def test_a_piece_followed_by_plain_words_in_the_passage_is_not_completed() -> None:
    # The passage goes on without a quote here: nothing says the grammar cut it.
    piece = "De NAVO houdt dat in het"
    assert complete_cut_quote(piece, [2], PASSAGES) == piece


def test_a_wrongly_cited_passage_does_not_stop_the_completion_and_short_pieces_never_match() -> None:
    # The model cited [1] (or a number no passage has) while copying [2]: the check repairs
    # the citation once the sentence is whole.
    assert complete_cut_quote(CUT, [1], PASSAGES) == WHOLE
    assert complete_cut_quote(CUT, [9], PASSAGES) == WHOLE
    assert complete_cut_quote("dat Rusland ", [2], PASSAGES) == "dat Rusland "


def test_a_cited_passage_wins_over_an_earlier_one_with_the_same_words() -> None:
    other = planned(1, 'Lavrov zei dat Rusland "niets" te vrezen heeft.')
    assert complete_cut_quote("Volgens het artikel zei men dat Rusland", [2], [other, PASSAGES[1]]) == (
        'Volgens het artikel zei men dat Rusland "ernstige consequenties" te wachten staan als het de '
        '"belangrijke grens" overschrijdt.'
    )


def test_a_piece_whose_last_words_are_not_in_the_passage_is_not_completed() -> None:
    reworded = "Stoltenberg zei na overleg met de ministers dat Moskou "
    assert complete_cut_quote(reworded, [2], PASSAGES) == reworded


def test_a_reworded_start_is_kept_and_completed_from_where_its_last_words_stand() -> None:
    reworded = "NAVO-chef Stoltenberg herhaalde in oktober dat Rusland"
    assert complete_cut_quote(reworded, [2], PASSAGES) == (
        'NAVO-chef Stoltenberg herhaalde in oktober dat Rusland "ernstige consequenties" te '
        'wachten staan als het de "belangrijke grens" overschrijdt.'
    )
