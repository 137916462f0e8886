"""The parts of a question that asks several things ("When did the treaty enter into force, and
for how long was it extended?", "Lijkt het weer op vroeger? Wat zegt het artikel over ...").

The 1.5B model often answers the first part and stops, and the evidence that best matches the
whole question is usually the first part's. So a question with parts gets evidence for each part
(rag/answering/planner.py), the parts listed under it in the prompt, and room in the answer's
grammar for a sentence per part (rag/answering/prompt.py).

A question splits after a question mark that more text follows, and before "and"/"en" with a
question word ("..., and which ...", "... en hoe ..."). A piece of fewer than MIN_WORDS words is
a pair of question words ("Hoe en waarom ...") or a list ("welke landen en welke steden"), not
a part: then the question is one part.
"""

from __future__ import annotations

import re

MIN_WORDS = 3
MAX_PARTS = 4  # the answer holds four sentences at most (prompt.answer_schema)

_QUESTION_WORDS_EN = (
    r"what|which|who|whom|whose|where|when|why|how|"
    r"(?:in|with|for|from|to|on|at|by|of|under|against) (?:what|which|whom|how)"
)
_QUESTION_WORDS_NL = (
    r"wat|welke|welk|wie|waar|wanneer|waarom|hoe|hoeveel|hoelang|"
    r"(?:in|met|voor|op|tot|van|door|bij|onder|tegen|uit|naar|over) (?:welke|welk|wie|wat)|"
    r"waarmee|waarover|waardoor|waarin|waarop|waaruit|waarvoor|waartegen"
)
_JOINED = re.compile(rf",?\s+(?:and|en)\s+(?=(?:{_QUESTION_WORDS_EN}|{_QUESTION_WORDS_NL})\b)", re.IGNORECASE)
_AFTER_QUESTION_MARK = re.compile(r"(?<=\?)\s+(?=\S)")


def question_parts(question: str) -> tuple[str, ...]:
    """The parts of `question`, in order; () when it asks one thing (or too many to list)."""
    pieces = [
        piece.strip()
        for sentence in _AFTER_QUESTION_MARK.split(question.strip())
        for piece in _JOINED.split(sentence)
        if piece.strip()
    ]
    if not 2 <= len(pieces) <= MAX_PARTS or any(len(p.split()) < MIN_WORDS for p in pieces):
        return ()
    return tuple(pieces)
