"""A sentence the answer's JSON grammar cut off at a quotation mark, completed from its passage.

The model writes each sentence as a JSON string. Copying a passage that quotes someone
('... dat Rusland "ernstige consequenties" te wachten staan'), it writes the plain double quote
as it stands, and the grammar reads that as the end of the string: the sentence stops at
'... dat Rusland', a verbatim but unfinished piece of the passage that every check lets through.
When a sentence without a closing punctuation mark ends with words that stand in a passage (the
one it cites first) right before a double quote, the model was copying that passage: the
sentence is completed with the rest of that passage sentence, and then checked like any other.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answering.types import PlannedPassage

# A sentence that ends like this was finished by the model, not cut.
_CLOSED = tuple(".!?…:;\"”’')]»")
# Shorter sentences could match a passage by chance.
MIN_CUT_CHARS = 20
# The sentence's last words must stand in the passage just before its quote: at least this many
# words and characters (the model often rewords the start of what it copies, not its end).
MIN_TAIL_WORDS, MIN_TAIL_CHARS = 2, 10


def complete_cut_quote(text: str, sources: Sequence[int], passages: Sequence[PlannedPassage]) -> str:
    """`text` completed with the rest of the passage sentence it was copying when the grammar
    cut it (see the module docstring); otherwise `text` unchanged."""
    flat = " ".join(text.split())
    if len(flat) < MIN_CUT_CHARS or flat.endswith(_CLOSED):
        return text
    words = flat.split(" ")
    # The cited passages first; then the others, since the model's citation may be wrong (the
    # check repairs it once the sentence is whole).
    order = [n for n in sources if 1 <= n <= len(passages)]
    order += [n for n in range(1, len(passages) + 1) if n not in order]
    sentences = [" ".join(s.split()) for n in order for _start, _end, s in passages[n - 1].sentences()]
    for size in range(len(words), MIN_TAIL_WORDS - 1, -1):  # the longest matching tail first
        tail = " ".join(words[-size:])
        if len(tail) < MIN_TAIL_CHARS:
            break
        for whole in sentences:
            at = whole.find(tail)
            while at >= 0:
                if whole[at + len(tail) :].lstrip().startswith('"'):
                    return flat[: len(flat) - len(tail)] + whole[at:]
                at = whole.find(tail, at + 1)
    return text
