"""Honest refusals: the fixed texts, the retrieval gate that refuses before generating, and the
checks that turn a grounded non-answer to a how-many question into a refusal."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.text import TextAnalyser, spelled_numbers
from rag.text.dates import date_facts
from rag.text.questions import asks_more
from rag.types import Hit

REFUSAL_TEXT = {
    "nl": "De documenten zeggen hier niets over.",
    "en": "The documents don't say.",
}


def refusal_text(language: str) -> str:
    return REFUSAL_TEXT.get(language, REFUSAL_TEXT["en"])


def other_language_text(name: str) -> str:
    """The polite notice for a question in a third language (in English: its readers are more
    likely to read English than Dutch)."""
    return (
        f"This question seems to be in {name}; I answer questions in Dutch and English only. "
        "Please ask it in Dutch or English, or set the answer language to Dutch or English to "
        "have it answered anyway."
    )


# Why an answer was refused, in the question's language (the chat and the CLI show it).
REASONS = {
    "no_passage": {
        "en": "no passage is close enough to the question",
        "nl": "geen passage ligt dicht genoeg bij de vraag",
    },
    "model_found_none": {
        "en": "the model found no answer in the passages",
        "nl": "het model vond geen antwoord in de passages",
    },
    "unsupported": {
        "en": "no sentence of the generated answer is supported by the passages",
        "nl": "geen zin van het gegenereerde antwoord wordt door de passages gestaafd",
    },
    "untranslated": {
        "en": "the answer, written in the sources' language, could not be translated faithfully",
        "nl": "het antwoord, geschreven in de taal van de bronnen, kon niet getrouw worden vertaald",
    },
    "no_number": {
        "en": "the question asks for a number and the passages give none",
        "nl": "de vraag vraagt om een aantal en de passages geven er geen",
    },
    "no_date": {
        "en": "the question asks for a date and the passages give none",
        "nl": "de vraag vraagt om een datum en de passages geven er geen",
    },
    "other_language": {
        "en": "the question is in another language than Dutch or English",
        "nl": "de vraag is in een andere taal dan Nederlands of Engels",
    },
    "counts_else": {
        "en": "the answer counts something else than the question asks about",
        "nl": "het antwoord telt iets anders dan waar de vraag naar vraagt",
    },
}
Reason = str  # a key of REASONS


def reason_text(reason: Reason, language: str) -> str:
    texts = REASONS[reason]
    return texts.get(language, texts["en"])


# Said with a refusal when most passages the model read are in the other language: the built-in
# model answers a question in the passages' own language far more reliably (own gold, Dutch
# passages: key-fact recall .70 for Dutch questions against .18 for English ones, false refusals
# .05 against .43), so asking again in that language is the one thing the reader can do.
ASK_IN_SOURCE_LANGUAGE = {
    ("en", "nl"): "the passages are in Dutch; asking in Dutch may find the answer",
    ("nl", "en"): "de passages zijn in het Engels; een vraag in het Engels vindt het antwoord misschien wel",
}


def source_language_hint(language: str, sources_language: str) -> str:
    """The hint to ask in `sources_language` (most passages', see pivot.writing_language) when
    it is the other one of Dutch and English than the question's `language`; "" otherwise."""
    return ASK_IN_SOURCE_LANGUAGE.get((language, sources_language), "")


def best_dense_score(hits: Sequence[Hit]) -> float:
    """Cosine similarity of the closest passage (the fused score has no absolute meaning)."""
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)


def retrieval_says_unanswerable(hits: Sequence[Hit], threshold: float) -> bool:
    """True when no passage is close enough to the question to be worth asking the model."""
    return not hits or best_dense_score(hits) < threshold


# Questions whose answer is a number. A small model asked "how much money did X pledge?" when the
# passages only say that X considers aid answers with a true sentence that has no number in it:
# grounded, but not an answer. Such an answer is turned into a refusal.
_ASKS_NUMBER = re.compile(
    r"\b(hoeveel|how many|how much|welk percentage|what percentage|what share|welk aantal)\b", re.IGNORECASE
)


def asks_for_number(question: str) -> bool:
    return bool(_ASKS_NUMBER.search(question))


def misses_asked_number(question: str, sentences: Sequence[str]) -> bool:
    """True when the question asks for a number and no sentence of the answer gives one, in
    digits or in words, that the question does not already hold: "Hoeveel geld zegde Zuid-Korea
    in juni 2024 toe?" is not answered by a sentence whose only number is the 2024 it repeats."""
    return asks_for_number(question) and _gives_none_new(spelled_numbers, question, sentences)


def _gives_none_new(facts: Callable[[str], set[str]], question: str, sentences: Sequence[str]) -> bool:
    """No sentence gives a fact (a number, a date) beyond the ones the question already holds."""
    asked = facts(question)
    return not any(facts(s) - asked for s in sentences)


# Questions that name the kind of date they ask for. A bare "wanneer"/"when" is left out: "after
# the annexation of Crimea" answers it without a date.
_ASKS_DATE = re.compile(
    r"\b(welke datum|welke dag|welk jaar|what date|which date|what day|which day|what year|which year)\b",
    re.IGNORECASE,
)


def misses_asked_date(question: str, sentences: Sequence[str]) -> bool:
    """True when the question asks for a date, day or year and no sentence of the answer gives
    one that the question does not already hold: "Op welke datum stuurde Frankrijk in 2022 zijn
    onderzeeërs op patrouille?" is not answered by a sentence whose only date is the 2022 it
    repeats (nor by the "drie van haar vier" it counts)."""
    return bool(_ASKS_DATE.search(question)) and _gives_none_new(date_facts, question, sentences)


# "Hoeveel F-35's stelt Nederland beschikbaar?" answered with "vier F-16's": a count of something
# else. One of the first two words after "hoeveel" (the counted thing, or its noun after an
# adjective: "how many tactical warheads") must come back in the answer. Uncountable words are
# left out: "hoeveel geld" is rightly answered by "tien miljoen euro".
_COUNTED = re.compile(r"\b(?:hoeveel|how many)\s+([\w'’-]+)(?:\s+([\w'’-]+))?", re.IGNORECASE)
_UNCOUNTED = frozenset({"geld", "tijd", "keer", "money", "time", "times"})
# "Hoeveel bedraagt de contributie?", "Hoeveel kost een F-35?": a verb comes first (a determiner
# follows it), so the question asks for an amount, not a count of some named thing.
_DETERMINERS = frozenset(
    {"de", "het", "een", "deze", "die", "dit", "dat", "zijn", "haar", "hun", "the", "a", "an", "this",
     "that", "these", "those", "its", "his", "her", "their"}
)  # fmt: skip


def counts_something_else(
    question: str, sentences: Sequence[str], language: str, analyser: TextAnalyser
) -> bool:
    """True when the question asks how many of something and the answer never names that thing,
    neither word for word (stems) nor through the index terms (Dutch/English variants, which
    fold multi-word terms: 'tactical nuclear' and 'nuclear warheads' only meet word for word)."""
    found = _COUNTED.search(question)
    if found is None or found.group(1).casefold() in _UNCOUNTED:
        return False
    if (found.group(2) or "").casefold() in _DETERMINERS:
        return False
    counted = " ".join(word for word in found.groups() if word)
    for analyse in (analyser.content_terms, analyser.terms):
        wanted = analyse(counted, language)
        if not wanted or any(wanted & analyse(s, language) for s in sentences):
            return False
    return True


def count_mismatch(
    question: str, sentences: Sequence[str], language: str, analyser: TextAnalyser
) -> Reason | None:
    """Why the answer to a how-many or which-date question is no answer (a key of REASONS), or
    None when it is one. A question that also asks something else ("how many ... and when") is
    left alone: an answer to its other half is still an answer."""
    if asks_more(question):
        return None
    if misses_asked_number(question, sentences):
        return "no_number"
    if misses_asked_date(question, sentences):
        return "no_date"
    if counts_something_else(question, sentences, language, analyser):
        return "counts_else"
    return None
