"""The shape of a question: does it ask why, a second thing, or (as a follow-up opening with
"En"/"And") for what comes next.

The quote under an answer runs on into the next sentence for all three (the reason, the second
half or the next piece follows the sentence that matches the question); the how-many and
which-date rules leave a question that asks a second thing alone (an answer to the other half
is still an answer), but not a follow-up that opens with "En": it asks one thing.
"""

from __future__ import annotations

import re

_PREPOSITION = r"((in|op|met|voor|van|door|bij|tot|on|at|with|for|from|by|to|of)\s+)?"
_QUESTION_WORD = r"(wat|welke|welk|wie|waar|wanneer|hoe|waarom|what|which|who|whom|where|when|how|why)\b"
# A follow-up that asks for the next piece of what was said ("En welke wapens zijn daarnaast nog
# van belang?", "And what did he say after that meeting?").
_FOLLOWS_ON = re.compile(r"^\s*(en|and)\s+" + _PREPOSITION + _QUESTION_WORD, re.IGNORECASE)
# A second question joined to the first ("Hoeveel ... en wanneer ...?", "how many ... and who").
# A preposition may come first ("..., en in welk jaar?", "and on which day"); a follow-up that
# opens with "En ..." ("En van welke datum is het bericht?") asks one thing.
_SECOND_QUESTION = re.compile(r"(?<=\w)[,;]?\s+(en|and)\s+" + _PREPOSITION + _QUESTION_WORD, re.IGNORECASE)
# Two questions in a row: a question mark with a word after it ("Is X consistent? What did Y say?").
_QUESTION_THEN_MORE = re.compile(r"\?\s*\w")
# A reason or a purpose asked for: it usually stands in the sentence after the one that matches.
_ASKS_WHY = re.compile(
    r"\b(waarom|why|hoe komt|wat volgt|what follows|met welk doel|for what purpose)\b", re.IGNORECASE
)


def asks_more(question: str) -> bool:
    """The question asks two things: a second question joined with "en"/"and", or after a '?'."""
    return bool(_SECOND_QUESTION.search(question) or _QUESTION_THEN_MORE.search(question.strip()))


def follows_on(question: str) -> bool:
    """A follow-up that opens with "En"/"And" and a question word: it asks for what comes next."""
    return bool(_FOLLOWS_ON.match(question))


def asks_why(question: str) -> bool:
    return bool(_ASKS_WHY.search(question))
