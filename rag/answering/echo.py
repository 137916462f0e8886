"""An answer sentence that only says the question back is no answer.

A small model that does not find the answer often restates the question as a statement ("North
Korea is mentioned in the March 2023 report.", "Heavy attrition increases Russia's reliance on
nuclear weapons, according to the brief."). Such a sentence is well supported by the passage
the question was found in, so the support check keeps it, and a reader gets a citation under
nothing. It is recognised by having no word, name or number the question does not already have,
apart from the words that say where something is written ("according to", "the article
states"). Yes/no questions are exempt: "Russia did X." is a full answer to "Did Russia do X?".
"""

from __future__ import annotations

import functools

from rag.text import TextAnalyser, fold, numbers
from rag.text.analyser import content_terms

# Words that say where or by whom something is said, not what: they add nothing to a question.
REPORTING = {
    "en": "according article brief policy paper report reports reported state states stated say says "
    "said mention mentions mentioned describe describes described document documents passage "
    "passages text author authors write writes wrote note notes noted indicate indicates",
    "nl": "volgens artikel brief policy rapport bericht stelt stellen zegt zeggen zei noemt noemen "
    "noemde beschrijft beschrijven document documenten passage passages tekst auteurs auteur "
    "schrijft schrijven schreef vermeldt wijst geeft aan",
}
# A word that answers a yes/no question or denies what the question says is news.
_ANSWER_WORDS = "yes no not never none nor neither ja nee niet nooit geen"
ANSWER_WORDS = frozenset(_ANSWER_WORDS.split(" "))
# Questions that start with one of these are yes/no questions.
_YES_NO_STARTS = (
    "did does do is are was were has have had can could will would should may might "
    "heeft hebben had hadden zijn waren kan kunnen kon konden zal zullen zou zouden wil willen "
    "moet moeten wordt worden werd werden doet deed bestaat"
)
YES_NO_STARTS = frozenset(_YES_NO_STARTS.split(" "))


@functools.cache
def _reporting(language: str) -> frozenset[str]:
    return frozenset(content_terms(REPORTING.get(language, REPORTING["en"]), language))


def is_yes_no(question: str) -> bool:
    words = fold(question).split()
    return bool(words) and words[0] in YES_NO_STARTS


def restates_question(sentence: str, question: str, language: str, analyser: TextAnalyser) -> bool:
    """True when `sentence` holds nothing the question does not already hold."""
    if is_yes_no(question) or numbers(sentence) - numbers(question):
        return False
    if ANSWER_WORDS & set(fold(sentence).replace(",", " ").replace(".", " ").split()):
        return False
    reporting = _reporting(language)
    new_content = analyser.content_terms(sentence, language) - analyser.content_terms(question, language)
    new_terms = analyser.terms(sentence, language) - analyser.terms(question, language)
    return not (new_content - reporting) and not (new_terms - reporting)
