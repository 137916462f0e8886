"""Footnote marks are numbers that count nothing: removed before numbers are compared."""

from __future__ import annotations

from rag.text import numbers
from rag.text.normalise import without_footnote_marks


def test_marks_glued_to_words_go_and_real_numbers_stay() -> None:
    text = "gebruikt.43 Rusland bedreigt,44 maar in de jaren ’90 had de NAVO 28 leden en 5.900 vliegtuigen."
    assert numbers(without_footnote_marks(text)) == {"90", "28", "5900"}


def test_in_a_footnote_block_the_numbers_notes_start_with_go() -> None:
    notes = (
        "53 J.E. Noll e.a., Militaire Spectator 186 (2017) 169-182. 54 E. Colby, NRC 13-01-2016.\n"
        "55 NAVO, 1997."
    )
    assert numbers(without_footnote_marks(notes, footnotes=True)) == {
        "186", "2017", "169", "182", "13", "01", "2016", "1997",
    }  # fmt: skip
    assert "53" in numbers(without_footnote_marks(notes))  # in running text a leading number stays
