"""False-premise names: what counts as a name the sources never mention, across two languages."""

from __future__ import annotations

from rag.answering.premise import DocumentTermIndex, premise_names, question_names
from rag.answering.types import PlannedPassage
from rag.text import TextAnalyser
from rag.types import Document
from tests.answering.test_citations import planned

ANALYSER = TextAnalyser()
PASSAGE = planned(1, "Van de twaalf grootste oefeningen waren er negen dichtbij de Russische grens.")


def dated(passage: PlannedPassage, date: str) -> PlannedPassage:
    return PlannedPassage(passage.passage.model_copy(update={"date": date}), passage.chunk, passage.spans)


def document(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", title="Rusland en de NAVO", content_hash="0", text=text)


def test_a_person_no_source_mentions_is_still_a_false_premise() -> None:
    question = "How did Mark Rutte react to the exercises near the Russian border?"
    assert premise_names(question, [PASSAGE], ANALYSER) == ["Mark Rutte"]


def test_a_capitalised_word_before_a_number_is_a_reference_label_not_a_name() -> None:
    question = "According to Table 1 of the Spectator, how many tanks did Russia have?"
    assert "Table" not in question_names(question)
    assert "Spectator" in question_names(question)


def test_a_month_the_passage_date_spells_is_no_false_premise() -> None:
    question = "What did the report from March say about the exercises?"
    assert premise_names(question, [PASSAGE], ANALYSER) == ["March"]
    assert premise_names(question, [dated(PASSAGE, "2023-03-25")], ANALYSER) == []


def test_a_name_elsewhere_in_the_source_document_is_no_false_premise() -> None:
    question = "What does the Militaire Spectator article say about the exercises?"
    terms = DocumentTermIndex(
        [document("d1", "Militaire Spectator, jaargang 185. Van de twaalf grootste oefeningen ...")], ANALYSER
    )
    assert premise_names(question, [PASSAGE], ANALYSER) == ["Militaire Spectator"]
    assert premise_names(question, [PASSAGE], ANALYSER, terms) == []
    # a document the passages do not come from does not count
    other = DocumentTermIndex([document("d9", "Militaire Spectator")], ANALYSER)
    assert premise_names(question, [PASSAGE], ANALYSER, other) == ["Militaire Spectator"]


def test_a_name_spelled_almost_alike_in_the_other_language_is_present() -> None:
    siberia = planned(1, "Rusland begon in maart met oefeningen in Siberië met de Yars.")
    assert premise_names("Which missile did Russia test in Siberia?", [siberia], ANALYSER) == []
    # a short or clearly different word is not stretched that far
    assert premise_names("Which missile did Russia test in Sibiu?", [siberia], ANALYSER) == ["Sibiu"]
